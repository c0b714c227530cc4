"""Sending one webhook delivery: claim it, POST it signed, record the answer; and the sweeper.

The same rules as letters (petitions/delivery/sending.py): a conditional update claims the row
(queued -> sending, with a lease), so a message delivered twice POSTs once; the backoff lives in the
row's next_attempt_at; after WEBHOOK_MAX_ATTEMPTS the row is dead, kept and shown in the admin
until an organiser sends it again. Nothing here logs a URL, a secret or a payload: a URL may hold
a token of the organiser's tool, and a payload may name a signer.
"""

import logging
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from petitions.enums import WebhookDeliveryStatus as Status
from petitions.models import WebhookDelivery
from petitions.webhooks.collecting import enqueue_webhooks
from petitions.webhooks.destinations import DestinationRefused, check_url
from petitions.webhooks.signed import SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)

# An endpoint switched off keeps its deliveries; they are looked at again this often.
INACTIVE_RECHECK = timedelta(minutes=10)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to call: it could point anywhere."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - checked
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)  # the receiver's words are not kept: they may echo the payload
            return Answer(response.status)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(None, f"{type(reason).__name__}: {reason}"[:500])


def claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    lease = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.QUEUED, next_attempt_at__lte=now).update(
        status=Status.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease
    )
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id) if claimed else None


def headers_for(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    endpoint = delivery.endpoint
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Outcry-Webhooks/1",
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
        "Outcry-Event": delivery.event,
        "Outcry-Delivery": str(delivery.pk),
        "Outcry-Event-Id": delivery.event_id,
    }
    if endpoint.osdi_api_token:
        headers["OSDI-API-Token"] = endpoint.osdi_api_token
    return headers


def send_webhook(*, delivery_id: int, now: datetime | None = None) -> str:
    """Claim, POST, record. Safe to call any number of times; returns what became of it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    if not delivery.endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.QUEUED,
            attempts=F("attempts") - 1,
            next_attempt_at=now + INACTIVE_RECHECK,
            enqueued_at=None,
            lease_expires_at=None,
        )
        return "waiting"
    body = delivery.body.encode()
    try:
        check_url(delivery.endpoint.url)
    except DestinationRefused as exc:
        # A private address is refused for good; a name that does not resolve now may later.
        return _record(delivery, Answer(None, str(exc)), give_up=exc.lasting)
    answer = post(delivery.endpoint.url, body, headers_for(delivery, body, int(time.time())))
    return _record(delivery, answer)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with +-20% jitter, capped: 12 attempts span about 16 hours by default."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(base, settings.WEBHOOK_RETRY_MAX_SECONDS) * random.uniform(0.8, 1.2))


def _record(delivery: WebhookDelivery, answer: Answer, *, give_up: bool = False) -> str:
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING)
    if answer.ok:
        # The body went; only its envelope is kept (it may name a signer).
        mine.update(
            status=Status.SENT,
            sent_at=timezone.now(),
            last_status_code=answer.status_code,
            last_error="",
            lease_expires_at=None,
            body="",
        )
        return Status.SENT
    if give_up or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        logger.warning(
            "Webhook delivery %s (endpoint %s) given up after %d attempt(s): %s",
            delivery.pk,
            delivery.endpoint_id,
            delivery.attempts,
            answer.error,
        )
        mine.update(
            status=Status.DEAD, last_status_code=answer.status_code, last_error=answer.error, lease_expires_at=None
        )
        return Status.DEAD
    when = timezone.now() + retry_delay(delivery.attempts)
    logger.info(
        "Webhook delivery %s will be retried at %s: %s", delivery.pk, when.isoformat(timespec="seconds"), answer.error
    )
    mine.update(
        status=Status.QUEUED,
        next_attempt_at=when,
        enqueued_at=None,
        last_status_code=answer.status_code,
        last_error=answer.error,
        lease_expires_at=None,
    )
    return "retry"


@dataclass(frozen=True)
class SweepReport:
    released: int
    enqueued: int


def sweep_webhooks(*, now: datetime | None = None, batch_size: int = 1000) -> SweepReport:
    """Put back deliveries whose worker died mid-send, and enqueue due ones whose message is gone
    (or was never published: retries, a broker that was down). SKIP LOCKED: sweepers never fight;
    a duplicate message is harmless, since sending starts with a claim."""
    now = now or timezone.now()
    expired = WebhookDelivery.objects.filter(status=Status.SENDING, lease_expires_at__lt=now)
    expired.filter(attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS).update(
        status=Status.DEAD, lease_expires_at=None, last_error="The worker stopped before the answer was recorded."
    )
    released = expired.update(status=Status.QUEUED, next_attempt_at=now, enqueued_at=None, lease_expires_at=None)
    if released:
        logger.warning("Released %d webhook deliveries whose worker stopped mid-send", released)
    stale = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(partial(enqueue_webhooks, ids))
    return SweepReport(released=released, enqueued=len(ids))


def send_again(deliveries: QuerySet) -> int:
    """An organiser's "send again" of dead deliveries: a fresh set of attempts, now."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(deliveries.filter(status=Status.DEAD).select_for_update().values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=now, enqueued_at=now, last_error=""
        )
        transaction.on_commit(partial(enqueue_webhooks, ids))
    return len(ids)
