"""Turning what happened into webhook deliveries: one row per event and endpoint, enqueued after commit.

Events are read from the rows that record them (a signature's confirmed_at, a letter's sent_at, a
provider's report, a reply), not announced by the code that writes them: signing and sending stay
single statements with nothing added, and an event cannot be lost between a commit and an
announcement, since the row is the announcement. A beat task collects every few seconds. Each
endpoint remembers how far it was collected; a run reads again WEBHOOK_SETTLE_SECONDS before that,
for rows whose time was set before a slow commit (a letter is stamped when its send starts), and
the unique (endpoint, event id) keeps what was already stored from being stored twice.

Milestones have no row of their own to read: the milestone's claim stores them in its transaction
(`record_event`, from petitions/reporting/notices.py).
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from petitions.core.doorbell import publish_batches
from petitions.enums import SignatureStatus, WebhookDeliveryStatus, WebhookEvent, WebhookFormat
from petitions.models import Delivery, Response, Signature, TrackingEvent, WebhookDelivery, WebhookEndpoint
from petitions.webhooks import payloads

logger = logging.getLogger(__name__)

SEND_TASK = "petitions.send_webhooks"


@dataclass(frozen=True)
class Source:
    """Where one kind of event is read: the rows of the window, and the payload of one row."""

    rows: Callable[[list[int], datetime, datetime], QuerySet]
    build: Callable[[WebhookEndpoint, object, datetime], dict | None]
    # The column that says when it happened (what the window reads).
    time_field: str


def _reports(event_type: str) -> Callable[[list[int], datetime, datetime], QuerySet]:
    return lambda campaign_ids, since, until: TrackingEvent.objects.filter(
        delivery__campaign_id__in=campaign_ids, event_type=event_type, received_at__gte=since, received_at__lte=until
    ).select_related("delivery__campaign", "delivery__target")


SOURCES: dict[str, Source] = {
    WebhookEvent.SIGNATURE_CONFIRMED: Source(
        lambda campaign_ids, since, until: Signature.objects.filter(
            campaign_id__in=campaign_ids,
            status=SignatureStatus.CONFIRMED,
            confirmed_at__gte=since,
            confirmed_at__lte=until,
        ).select_related("campaign"),
        payloads.signature_confirmed,
        "confirmed_at",
    ),
    WebhookEvent.LETTER_SENT: Source(
        lambda campaign_ids, since, until: Delivery.objects.filter(
            campaign_id__in=campaign_ids, sent_at__gte=since, sent_at__lte=until, rehearsal_to=""
        ).select_related("campaign", "target"),
        payloads.letter_sent,
        "sent_at",
    ),
    WebhookEvent.LETTER_DELIVERED: Source(
        _reports("delivered"),
        lambda endpoint, report, now: payloads.letter_reported(endpoint, WebhookEvent.LETTER_DELIVERED, report, now),
        "received_at",
    ),
    WebhookEvent.LETTER_BOUNCED: Source(
        _reports("bounced"),
        lambda endpoint, report, now: payloads.letter_reported(endpoint, WebhookEvent.LETTER_BOUNCED, report, now),
        "received_at",
    ),
    WebhookEvent.RESPONSE_RECEIVED: Source(
        lambda campaign_ids, since, until: Response.objects.filter(
            campaign_id__in=campaign_ids, received_at__gte=since, received_at__lte=until
        ).select_related("campaign", "target"),
        payloads.response_received,
        "received_at",
    ),
}

# What an endpoint in each format can be sent (the OSDI helper records people, nothing else).
EVENTS_OF_FORMAT = {
    WebhookFormat.OUTCRY: [event for event in WebhookEvent.values if event != WebhookEvent.TEST],
    WebhookFormat.OSDI: [WebhookEvent.SIGNATURE_CONFIRMED],
}


# The events an organiser chooses from, with their labels (a test event is sent, never chosen).
EVENT_LABELS = [(event, label) for event, label in WebhookEvent.choices if event != WebhookEvent.TEST]


def enqueue_webhooks(ids: list[int]) -> None:
    """After commit; a broker that does not answer leaves the rows to the sweeper (posting.py)."""
    if not ids:
        return
    try:
        publish_batches(SEND_TASK, ids, per_message=10)
    except Exception as exc:  # noqa: BLE001 - the rows are the truth; the sweeper enqueues them
        logger.info("%d webhook deliveries left to the sweeper: broker unreachable (%s)", len(ids), type(exc).__name__)


def endpoint_campaigns(endpoint: WebhookEndpoint) -> list[int]:
    if endpoint.campaign_id:
        return [endpoint.campaign_id]
    return list(Campaign.objects.filter(organisation_id=endpoint.organisation_id).values_list("pk", flat=True))


def collect_events(*, now: datetime | None = None) -> int:
    """Store the new events of every active endpoint; returns how many deliveries were created."""
    now = now or timezone.now()
    endpoint_ids = WebhookEndpoint.objects.filter(active=True).values_list("pk", flat=True)
    return sum(collect_for_endpoint(endpoint_id, now=now) for endpoint_id in endpoint_ids)


def collect_for_endpoint(endpoint_id: int, *, now: datetime) -> int:
    settle = timedelta(seconds=settings.WEBHOOK_SETTLE_SECONDS)
    with transaction.atomic():
        # Locked while collected: two beat runs never read the same endpoint's window at once.
        endpoint = (
            WebhookEndpoint.objects.select_for_update(skip_locked=True)
            .filter(pk=endpoint_id, active=True)
            .order_by()
            .first()
        )
        if endpoint is None:
            return 0
        since = max(endpoint.created_at, endpoint.collected_until - settle)
        campaign_ids = endpoint_campaigns(endpoint)
        stored = set(
            WebhookDelivery.objects.filter(endpoint=endpoint, created_at__gte=since - settle).values_list(
                "event_id", flat=True
            )
        )
        rows, reached = [], now
        for event in EVENTS_OF_FORMAT[endpoint.format]:
            source = SOURCES.get(event)
            if source is None or event not in endpoint.events:
                continue
            window = source.rows(campaign_ids, since, now)
            if endpoint.format == WebhookFormat.OSDI:
                window = window.filter(consent_to_contact=True)
            happened = window.order_by(source.time_field, "pk").values_list("pk", source.time_field)
            new = [(pk, at) for pk, at in happened if f"{event}:{pk}" not in stored]
            if len(new) > settings.WEBHOOK_COLLECT_BATCH:
                # A backlog (beat was down, a viral hour): the oldest first, the rest next run, which
                # starts from here.
                new = new[: settings.WEBHOOK_COLLECT_BATCH]
                reached = min(reached, new[-1][1])
            new = [pk for pk, _ in new]
            for start in range(0, len(new), 500):
                for row in window.filter(pk__in=new[start : start + 500]).order_by(source.time_field, "pk"):
                    payload = source.build(endpoint, row, now)
                    if payload is not None:
                        rows.append(new_delivery(endpoint, event, f"{event}:{row.pk}", payload, now))
        created = WebhookDelivery.objects.bulk_create(rows)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(collected_until=reached)
        transaction.on_commit(partial(enqueue_webhooks, [row.pk for row in created]))
    if created:
        logger.info("Webhook %s: %d new event(s)", endpoint.pk, len(created))
    return len(created)


def new_delivery(endpoint: WebhookEndpoint, event: str, event_id: str, payload: dict, now: datetime):
    return WebhookDelivery(
        endpoint=endpoint,
        event=event,
        event_id=event_id[:100],
        body=payloads.encode(payload),
        created_at=now,
        next_attempt_at=now,
        enqueued_at=now,
    )


def endpoints_for(campaign: Campaign) -> QuerySet:
    """The active endpoints that hear about `campaign`: its own, and its organisation's."""
    return WebhookEndpoint.objects.filter(
        Q(campaign=campaign) | Q(campaign__isnull=True, organisation_id=campaign.organisation_id), active=True
    )


def record_event(campaign: Campaign, event: str, event_id: str, payload: dict) -> int:
    """Store an event that no row records, for every endpoint of the campaign that wants it, in the
    caller's transaction; enqueued after commit. Storing the same event again stores nothing."""
    now = timezone.now()
    endpoints = [e for e in endpoints_for(campaign) if e.wants(event) and event in EVENTS_OF_FORMAT[e.format]]
    if not endpoints:
        return 0
    WebhookDelivery.objects.bulk_create(
        [new_delivery(endpoint, event, event_id, payload, now) for endpoint in endpoints], ignore_conflicts=True
    )
    ids = list(
        WebhookDelivery.objects.filter(
            endpoint__in=endpoints, event_id=event_id[:100], status=WebhookDeliveryStatus.QUEUED, created_at=now
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(partial(enqueue_webhooks, ids))
    return len(ids)


def send_test_event(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for an organiser to see their receiver answer; sent like any other."""
    now = timezone.now()
    event_id = f"{WebhookEvent.TEST}:{uuid.uuid4().hex}"
    with transaction.atomic():
        payload = payloads.test_event(endpoint, event_id, now)
        delivery = new_delivery(endpoint, WebhookEvent.TEST, event_id, payload, now)
        delivery.save()
        transaction.on_commit(partial(enqueue_webhooks, [delivery.pk]))
    return delivery


def forget_signatures(signature_ids: list[int]) -> int:
    """Erasure and retention: the events of these signatures not sent yet are deleted, since their
    bodies may name the signer (a sent one kept no body). Erasure wins over delivery."""
    event_ids = [f"{WebhookEvent.SIGNATURE_CONFIRMED}:{pk}" for pk in signature_ids]
    unsent = WebhookDelivery.objects.filter(event_id__in=event_ids).exclude(status=WebhookDeliveryStatus.SENT)
    return unsent.delete()[0]
