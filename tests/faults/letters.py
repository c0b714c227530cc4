"""Letters for the fault suite: campaigns whose targets take them unpaced, rows queued in bulk, and
the broker's doorbell rung from the test process on a broker of the test's choosing."""

import uuid

from celery import Celery
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from outcry.celery import app as outcry_app
from petitions.core.hashing import email_hash
from petitions.enums import SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.counters import add_to_counters
from tests.factories import TargetFactory, live_campaign

SEND_TASK = "petitions.send_delivery"


def unpaced_campaign(*, targets: int) -> Campaign:
    """A live campaign with `targets` active targets and no hourly cap (pacing is not under test),
    nor the per-address and per-domain limits: every signer of a case shares one address and one
    mail domain, and the abuse defences are not under test either."""
    campaign = live_campaign(goal=100_000, abuse_ip_hourly_limit=None, abuse_domain_hourly_limit=None)
    for _ in range(targets - 1):
        TargetFactory(campaign=campaign)
    campaign.targets.update(hourly_cap=None)
    return campaign


def queue_letters(campaign: Campaign, *, signatures: int) -> list[int]:
    """`signatures` confirmed signatures with one queued letter per active target, counted, as
    sign_petition leaves them, written in one transaction; the doorbell is not rung. Returns the
    letters' ids."""
    now = timezone.now()
    batch = uuid.uuid4().hex[:8]
    targets = list(campaign.targets.filter(is_active=True))
    rows = []
    for n in range(signatures):
        address = f"signer{n}.{batch}@example.net"
        rows.append(
            Signature(
                campaign=campaign,
                first_name="Fault",
                last_name=f"Signer {n}",
                email=address,
                email_hash=email_hash(address),
                country="GB",
                language="en",
                status=SignatureStatus.CONFIRMED,
                created_at=now,
                confirmed_at=now,
            )
        )
    with transaction.atomic():
        Signature.objects.bulk_create(rows)
        letters = Delivery.objects.bulk_create(
            Delivery(
                campaign=campaign,
                signature=signature,
                target=target,
                next_attempt_at=now,
                enqueued_at=now,
                created_at=now,
            )
            for signature in rows
            for target in targets
        )
        add_to_counters(campaign_id=campaign.pk, signatures=len(rows))
    return [letter.pk for letter in letters]


def ring_doorbell(broker_url: str, delivery_ids: list[int]) -> None:
    """Publish send_delivery(id) for each id, in the given order (repeat an id to ring twice), to
    the default queue of `broker_url`, on one connection."""
    app = Celery("fault-doorbell", broker=broker_url, set_as_current=False)
    app.conf.task_default_queue = outcry_app.conf.task_default_queue
    app.conf.broker_connection_retry_on_startup = True
    try:
        with app.producer_or_acquire() as producer:
            for delivery_id in delivery_ids:
                app.send_task(SEND_TASK, args=(delivery_id,), producer=producer, ignore_result=True)
    finally:
        app.close()
