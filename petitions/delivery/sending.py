"""Sending one letter: claim it, check the rules, render it once, send, record; or hand it back.

A conditional update claims a letter (queued -> sending, with a lease), so a message delivered twice
sends once. Transient failures go back to the queue with backoff held in the row; permanent ones fail.
"""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, Target
from outcry.databases import DATABASE_UNAVAILABLE, wait_for_database
from petitions.core.doorbell import publish_ids
from petitions.delivery import pacing
from petitions.delivery.sending_sql import claim_and_load, record_sent
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.mail import errors, letters, signer_mail, transport
from petitions.models import Delivery

logger = logging.getLogger(__name__)


# A paused target or campaign is looked at again this often; resuming needs no other action.
PAUSE_RECHECK = timedelta(minutes=1)
# Recording a sent letter is retried until this long before the worker's lease ends.
RECORD_LEASE_MARGIN = timedelta(seconds=10)


@dataclass(frozen=True)
class SendResult:
    status: str
    detail: str = ""


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> SendResult:
    """Claim, check the target's rules, render once, send, record. Safe to call any number of times."""
    now = now or timezone.now()
    delivery = claim_and_load(delivery_id, now)
    if delivery is None:
        return SendResult("skipped", "not queued or not due")
    target, signature = delivery.target, delivery.signature
    signature_withdrawn = signature is not None and signature.status != SignatureStatus.CONFIRMED
    if signature_withdrawn or (not target.is_active and target.bounced_at is None):
        _finish(delivery, DeliveryStatus.CANCELLED, error="The signature or the target is no longer active.")
        return SendResult(DeliveryStatus.CANCELLED)
    if not target.is_active:
        # Held after a hard bounce (tracking.py): the letter waits, uncounted, until an organiser
        # fixes the address and reactivates the target; sweeper and dispatcher skip it meanwhile.
        release_delivery(delivery, until=now)
        return SendResult("held", "the target's address bounced")
    wait_until = sending_gate(delivery, now)
    if wait_until is not None:
        release_delivery(delivery, until=wait_until)
        return SendResult("deferred", wait_until.isoformat())
    try:
        if not delivery.subject:
            # Stored with the outcome below (sent, retry or failed): one row update per attempt
            # instead of two. Only a worker killed between the server's "250" and that update makes
            # the retry render again (the same text unless the letter was edited in those seconds).
            delivery.subject, delivery.body = letters.render_letter(delivery)
        message = letters.build_letter(delivery)
        transport.send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is classified, none is allowed to lose a letter
        return _record_failure(delivery, exc)
    status = getattr(message, "anymail_status", None)
    provider_id = (status.message_id if status else None) or message.extra_headers["Message-ID"]
    mark_sent(delivery=delivery, message_id=str(provider_id), sent_at=now)
    if signature is not None and signature.wants_copy and delivery.campaign.offer_signer_copy:
        _enqueue_signer_copy(delivery)
    return SendResult(DeliveryStatus.SENT)


def _enqueue_signer_copy(delivery: Delivery) -> None:
    try:
        publish_ids("petitions.send_signer_copy", [delivery.pk])
    except Exception as exc:  # noqa: BLE001 - the letter is sent; only the courtesy copy is lost
        logger.warning("No copy for the signer of letter %s: broker unreachable (%s)", delivery.pk, exc)


def send_test_letter(*, campaign: Campaign, target: Target, to_email: str) -> str:
    """Send an organiser the letter as `target` would get it; returns its subject."""
    message = letters.build_test_letter(campaign=campaign, target=target, to_email=to_email)
    message.send()
    return message.subject


def send_signer_copy(*, delivery_id: int) -> None:
    """Email the signer a copy of a letter that was sent (a courtesy: retried a few times by its task)."""
    delivery = Delivery.objects.select_related("campaign", "target", "signature").get(pk=delivery_id)
    if delivery.sent_at is None or not delivery.signature.wants_copy:
        return
    signer_mail.send_to_signer(letters.build_signer_copy(delivery), about=f"letter {delivery.pk}")


def sending_gate(delivery: Delivery, now: datetime) -> datetime | None:
    """None if the letter may go now; otherwise when to look again (pause, window, hourly cap)."""
    target, campaign = delivery.target, delivery.campaign
    if pacing.is_sending_paused(target, campaign):
        return now + PAUSE_RECHECK
    opening = pacing.window_opening(target, now)
    if opening is None:
        return now + timedelta(days=1)
    if opening > now:
        return opening
    if target.hourly_cap:
        # Under the target's row lock: letters being sent count too, so two workers cannot both
        # take the last letter of the hour.
        with transaction.atomic():
            Target.objects.select_for_update().filter(pk=target.pk).exists()
            if not pacing.under_hourly_cap(target, now, excluding=delivery.pk):
                return now + pacing.spacing(target)
    return None


def release_delivery(delivery: Delivery, *, until: datetime) -> None:
    """sending -> queued without counting an attempt: the rules, not the letter, said "not yet"."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=until,
        enqueued_at=None,
        lease_expires_at=None,
    )


def mark_sent(*, delivery: Delivery, message_id: str, sent_at: datetime | None = None) -> None:
    """sent + provider id + the emails-sent count, all or nothing (sending_sql.py).

    The letter has gone: a database restarting now must not make it go twice. So recording waits
    for the database (outcry/databases.py) and is tried again, until shortly before this worker's
    lease ends (until then nobody else may send the letter); only then is the error raised and the
    letter left to the sweeper. A try that was committed but whose answer was lost makes the next
    one change nothing.
    """
    sent_at = sent_at or timezone.now()
    record_until = (delivery.lease_expires_at or timezone.now()) - RECORD_LEASE_MARGIN
    while True:
        try:
            record_sent(delivery, message_id=message_id, sent_at=sent_at)
            return
        except DATABASE_UNAVAILABLE:
            patience = (record_until - timezone.now()).total_seconds()
            if connection.in_atomic_block or patience <= 0:
                raise
            logger.warning("Letter %s sent; the database does not answer, waiting to record it", delivery.pk)
            if not wait_for_database(longest_seconds=patience):
                raise


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with +-20% jitter, so a recovering server is not hit by a synchronised wave."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(base, 3600) * random.uniform(0.8, 1.2))


def _record_failure(delivery: Delivery, exc: BaseException) -> SendResult:
    error = errors.describe(exc)
    verdict = errors.classify(exc)
    if verdict is errors.Verdict.FAIL or delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        logger.warning(
            "Letter %s to target %s failed for good after %d attempt(s): %s",
            delivery.pk,
            delivery.target_id,
            delivery.attempts,
            error,
        )
        _finish(delivery, DeliveryStatus.FAILED, error=error)
        return SendResult(DeliveryStatus.FAILED, error)
    when = timezone.now() + retry_delay(delivery.attempts)
    logger.info(
        "Letter %s to target %s will be retried at %s: %s",
        delivery.pk,
        delivery.target_id,
        when.isoformat(timespec="seconds"),
        error,
    )
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED,
        subject=delivery.subject,
        body=delivery.body,
        subject_variant=delivery.subject_variant,
        body_variant=delivery.body_variant,
        next_attempt_at=when,
        enqueued_at=None,
        lease_expires_at=None,
        last_error=error,
    )
    return SendResult("retry", error)


def _finish(delivery: Delivery, status: str, *, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status,
        subject=delivery.subject,
        body=delivery.body,
        subject_variant=delivery.subject_variant,
        body_variant=delivery.body_variant,
        lease_expires_at=None,
        last_error=error,
    )
