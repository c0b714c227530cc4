"""Digest mode: one letter per target and period that names every new signer.

A viral campaign in one-letter-per-signer mode either trips a government mailbox's limits or waits
weeks behind its hourly cap. In digest mode each signature still gets its own row per target, but
"batched": nothing is sent for it. When a period (an hour, or a day in the target's time zone) is
over, the composer writes one digest letter per target naming the period's signers (names,
countries, organisations, personal messages) and points their rows at it. The digest is an
ordinary Delivery with no signature, so pacing, retries, the sweeper, tracking and the "emails
sent" counter treat it like any letter; a signer's receipt shows the status of the digest that
named them.
"""

import logging
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.enums import CampaignStatus, DeliveryMode
from campaigns.models import Target
from petitions.core.periods import Period, period_of
from petitions.delivery.queueing import enqueue_deliveries
from petitions.delivery.transitions import cancel_letters
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.mail import letters
from petitions.mail.variants import choose_variant
from petitions.models import Delivery

logger = logging.getLogger(__name__)


NOT_CONFIRMED = "The signature was no longer confirmed when the digest was written."


# Rows taken per target and run; a larger backlog is finished by the next runs.
COMPOSE_BATCH = 20_000


def _period_of_row(row: Delivery, *, period: str, zone_name: str) -> Period:
    return period_of(row.created_at, period=period, zone_name=zone_name)


def _chunks(rows: list[Delivery], size: int) -> Iterator[list[Delivery]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def compose_digests(*, now: datetime | None = None) -> int:
    """Write the digest letters of every period that has ended; returns how many were written.

    Safe to run concurrently and repeatedly: rows are taken with SKIP LOCKED and leave "batched"
    in the same transaction that writes their digest.
    """
    now = now or timezone.now()
    # A campaign switched back to one letter per signer sends its waiting letters one by one.
    Delivery.objects.filter(status=DeliveryStatus.BATCHED).exclude(campaign__delivery_mode=DeliveryMode.DIGEST).update(
        status=DeliveryStatus.QUEUED, next_attempt_at=now, enqueued_at=None
    )
    targets = (
        Target.objects.filter(campaign__delivery_mode=DeliveryMode.DIGEST)
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .filter(deliveries__status=DeliveryStatus.BATCHED)
        .select_related("campaign")
        .distinct()
    )
    written = 0
    for target in targets:
        written += compose_target_digests(target=target, now=now)
    return written


def compose_target_digests(*, target: Target, now: datetime) -> int:
    """One target's digests for the periods that ended before `now`, at most DIGEST_MAX_SIGNERS each."""
    current = period_of(now, period=target.campaign.digest_period, zone_name=target.timezone)
    written, queued_now = 0, []
    with transaction.atomic():
        rows = list(
            Delivery.objects.filter(target=target, status=DeliveryStatus.BATCHED, created_at__lt=current.start)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("signature")
            .order_by("created_at", "pk")[:COMPOSE_BATCH]
        )
        period_key = partial(_period_of_row, period=target.campaign.digest_period, zone_name=target.timezone)
        for period, period_rows in groupby(rows, key=period_key):
            period_rows = list(period_rows)
            signers = [row for row in period_rows if row.signature.status == SignatureStatus.CONFIRMED]
            parts = list(_chunks(signers, settings.DIGEST_MAX_SIGNERS))
            for number, part in enumerate(parts, start=1):
                digest = _write_digest(target, period, part, now=now, part=(number, len(parts)))
                written += 1
                if digest.enqueued_at:
                    queued_now.append(digest.pk)
            # Signatures rejected since signing are named in no digest.
            cancel_letters(
                Delivery.objects.filter(pk__in=[row.pk for row in period_rows if row not in signers]),
                reason=NOT_CONFIRMED,
            )
        if queued_now:
            transaction.on_commit(partial(enqueue_deliveries, queued_now))
    if written:
        logger.info("Wrote %d digest letter(s) to target %s", written, target.pk)
    return written


def _write_digest(
    target: Target, period: Period, rows: list[Delivery], *, now: datetime, part: tuple[int, int]
) -> Delivery:
    template = letters.target_template(target.campaign, target)
    variant = (0, 0)
    if template is not None:
        variant = choose_variant(template, campaign_id=target.campaign_id, target_id=target.pk)
    subject, body = letters.render_digest(
        campaign=target.campaign,
        target=target,
        signatures=[row.signature for row in rows],
        period_label=period.label(),
        part=part,
        variant=variant,
    )
    digest = Delivery.objects.create(
        campaign_id=target.campaign_id,
        target=target,
        signature=None,
        status=DeliveryStatus.QUEUED,
        subject=subject,
        body=body,
        subject_variant=variant[0],
        body_variant=variant[1],
        next_attempt_at=now,
        # Paced targets' letters wait for the dispatcher, as in one-letter mode.
        enqueued_at=None if target.hourly_cap else now,
        # A digest naming a rehearsal's test signers is a test letter too.
        rehearsal_to=next((row.rehearsal_to for row in rows if row.rehearsal_to), ""),
        created_at=now,
    )
    Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(status=DeliveryStatus.DIGESTED, digest=digest)
    return digest
