"""Every write of the petitions app: signing, queueing, sending, sweeping.

Rules kept here (DESIGN.md section 6): the row is the truth and the broker only a doorbell; ids are
enqueued after commit; a delivery is claimed before it is sent and recorded sent in the same
transaction as the count; waits live in next_attempt_at, which the sweeper honours.
"""

import logging
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.enums import DeliveryMode
from campaigns.models import Campaign, Target
from petitions import abuse, emails, mailer, mailerrors, pacing
from petitions.doorbell import publish_ids
from petitions.enums import CANCELLABLE_STATUSES, DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.privacy import email_hash, ip_hash, name_index, normalise_email
from petitions.sending_sql import claim_and_load, record_sent
from petitions.signing_sql import store_signature

logger = logging.getLogger(__name__)

SIGNATURE_FIELDS = (
    "wants_copy",
    "wants_receipt",
    "first_name",
    "last_name",
    "country",
    "city",
    "organisation",
    "message",
    "consent_to_contact",
    "show_name_publicly",
)


# A paused target or campaign is looked at again this often; resuming needs no other action.
PAUSE_RECHECK = timedelta(minutes=1)


class CampaignNotOpen(Exception):
    """The campaign is a draft, paused, closed or not open yet: it accepts nothing."""


class AlreadySigned(Exception):
    """This address has signed this campaign; the signer sees the ordinary thank-you page."""


def sign_petition(
    *,
    campaign: Campaign,
    data: Mapping,
    language: str,
    client_ip: str | None,
    consent_text: str = "",
    source: str = "",
) -> Signature:
    """Store a signature, queue its letters and count it, all or nothing; enqueue after commit.

    A signature the abuse defences suspect is stored as held instead: not counted, no letters, and
    the caller cannot tell (the return is the same; the status is on the row).
    """
    if not campaign.is_open():
        raise CampaignNotOpen(campaign.slug)
    now = timezone.now()
    email, email_key = normalise_email(data["email"]), email_hash(data["email"])
    hold_reasons = abuse.screen_signature(
        campaign=campaign, data=data, email=email, email_key=email_key, client_ip=client_ip
    )
    if hold_reasons:
        status = SignatureStatus.HELD
    elif campaign.require_confirmation:
        status = SignatureStatus.PENDING
    else:
        status = SignatureStatus.CONFIRMED
    signature = Signature(
        campaign=campaign,
        email=email,
        email_hash=email_key,
        name_index=name_index(data.get("first_name", ""), data.get("last_name", "")),
        language=language,
        consent_text=consent_text if data.get("consent_to_contact") else "",
        source=source[:64],
        ip_hash=ip_hash(client_ip),
        status=status,
        hold_reasons=" ".join(hold_reasons)[:200],
        created_at=now,
        confirmed_at=now if status == SignatureStatus.CONFIRMED else None,
        **{field: data.get(field, "") for field in SIGNATURE_FIELDS if field in data},
    )
    # Only a confirmed signature is counted and gets letters; a held one waits for an organiser, a
    # pending one for its signer's confirmation (confirmations.py).
    letters = letters_for(signature, now=now) if status == SignatureStatus.CONFIRMED else []
    delivery_ids = store_signature(signature, letters)
    if delivery_ids is None:
        if status != SignatureStatus.HELD:
            _mail_repeat_signer(campaign=campaign, email_key=email_key, wants_receipt=signature.wants_receipt)
        raise AlreadySigned(campaign.slug)
    transaction.on_commit(partial(enqueue_deliveries, delivery_ids))
    # No mail on a suspect's behalf: that is exactly what the defences are there to stop.
    if status == SignatureStatus.PENDING:
        transaction.on_commit(partial(enqueue_signer_mail, "confirmation", signature.pk))
    elif status == SignatureStatus.CONFIRMED and signature.wants_receipt:
        transaction.on_commit(partial(enqueue_receipt, signature.pk))
    return signature


def _mail_repeat_signer(*, campaign: Campaign, email_key: str, wants_receipt: bool) -> None:
    """A repeat signature gets the email a new one would (receipts.py): the confirmation link again
    while the stored signature is pending, else the receipt if asked for. Whoever typed the address
    learns nothing; its owner is mailed within the daily cap."""
    stored = Signature.objects.filter(campaign=campaign, email_hash=email_key).values_list("pk", "status").first()
    if stored is None:
        return
    if stored[1] == SignatureStatus.PENDING:
        transaction.on_commit(partial(enqueue_signer_mail, "confirmation", stored[0]))
    elif wants_receipt:
        transaction.on_commit(partial(enqueue_receipt, stored[0]))


def enqueue_receipt(signature_id: int) -> None:
    enqueue_signer_mail("receipt", signature_id)


def enqueue_signer_mail(kind: str, signature_id: int) -> None:
    """Ask a worker to email a signer their link (receipt or confirmation); a broker outage costs the
    email only, and signing again sends it again."""
    from petitions.tasks import send_confirmation_task, send_receipt_task

    task = {"receipt": send_receipt_task, "confirmation": send_confirmation_task}[kind]
    try:
        publish_ids(task, [signature_id])
    except Exception as exc:  # noqa: BLE001 - the signature and its letters are safe; only the email is lost
        logger.warning("No %s email for signature %s: broker unreachable (%s)", kind, signature_id, exc)


def letters_for(signature: Signature, *, now: datetime) -> list[Delivery]:
    """Unsaved queued letters, one per active target of the signature's campaign.

    Letters to an unpaced target are marked enqueued (their ids are published after commit); letters
    to a paced target wait for the dispatcher, which hands out that target's sending slots. In digest
    mode they wait, batched, for the next digest (digests.py).
    """
    batched = signature.campaign.delivery_mode == DeliveryMode.DIGEST
    return [
        Delivery(
            campaign_id=signature.campaign_id,
            signature=signature,
            target=target,
            status=DeliveryStatus.BATCHED if batched else DeliveryStatus.QUEUED,
            next_attempt_at=now,
            enqueued_at=None if batched or target.hourly_cap else now,
            created_at=now,
        )
        # .all() uses the targets prefetched with the cached campaign page when there are any;
        # a target deactivated since then is caught by the check in send_delivery. A bounced
        # target's letters are held, not dropped: they go once an organiser fixes the address.
        for target in signature.campaign.targets.all()
        if target.is_active or target.bounced_at is not None
    ]


def queue_deliveries(*, signature: Signature, now: datetime | None = None) -> list[int]:
    """Create the queued letters of a stored signature (e.g. once it is confirmed).

    Returns the ids to enqueue now (letters to unpaced targets; the dispatcher takes the others).
    """
    deliveries = Delivery.objects.bulk_create(letters_for(signature, now=now or timezone.now()))
    return [delivery.pk for delivery in deliveries if delivery.enqueued_at]


def enqueue_deliveries(delivery_ids: Iterable[int], *, etas: Iterable[datetime] | None = None) -> None:
    """Ring the broker's doorbell for each id. A broker that is down loses nothing: the rows stay
    queued and are marked for the sweeper, which enqueues them once the broker is back."""
    from petitions.tasks import send_delivery_task

    delivery_ids = list(delivery_ids)
    if not delivery_ids:
        return
    try:
        publish_ids(send_delivery_task, delivery_ids, etas=etas)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper is the fallback
        logger.warning("Broker unreachable (%s); %d letter(s) left for the sweeper", exc, len(delivery_ids))
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED).update(enqueued_at=None)


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
            delivery.subject, delivery.body = emails.render_letter(delivery)
        message = emails.build_letter(delivery)
        mailer.send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is classified, none is allowed to lose a letter
        return _record_failure(delivery, exc)
    status = getattr(message, "anymail_status", None)
    provider_id = (status.message_id if status else None) or message.extra_headers["Message-ID"]
    mark_sent(delivery=delivery, message_id=str(provider_id), sent_at=now)
    if signature is not None and signature.wants_copy and delivery.campaign.offer_signer_copy:
        _enqueue_signer_copy(delivery)
    return SendResult(DeliveryStatus.SENT)


def _enqueue_signer_copy(delivery: Delivery) -> None:
    from petitions.tasks import send_signer_copy_task

    try:
        publish_ids(send_signer_copy_task, [delivery.pk])
    except Exception as exc:  # noqa: BLE001 - the letter is sent; only the courtesy copy is lost
        logger.warning("No copy for the signer of letter %s: broker unreachable (%s)", delivery.pk, exc)


def send_test_letter(*, campaign: Campaign, target: Target, to_email: str) -> str:
    """Send an organiser the letter as `target` would get it; returns its subject."""
    message = emails.build_test_letter(campaign=campaign, target=target, to_email=to_email)
    message.send()
    return message.subject


def send_signer_copy(*, delivery_id: int) -> None:
    """Email the signer a copy of a letter that was sent (a courtesy: retried a few times by its task)."""
    delivery = Delivery.objects.select_related("campaign", "target", "signature").get(pk=delivery_id)
    if delivery.sent_at is None or not delivery.signature.wants_copy:
        return
    emails.build_signer_copy(delivery).send()


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
    """sent + provider id + the emails-sent count, all or nothing (sending_sql.py)."""
    record_sent(delivery, message_id=message_id, sent_at=sent_at or timezone.now())


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with +-20% jitter, so a recovering server is not hit by a synchronised wave."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(base, 3600) * random.uniform(0.8, 1.2))


def _record_failure(delivery: Delivery, exc: BaseException) -> SendResult:
    error = mailerrors.describe(exc)
    verdict = mailerrors.classify(exc)
    if verdict is mailerrors.Verdict.FAIL or delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        logger.warning("Letter %s failed for good after %d attempt(s): %s", delivery.pk, delivery.attempts, error)
        _finish(delivery, DeliveryStatus.FAILED, error=error)
        return SendResult(DeliveryStatus.FAILED, error)
    when = timezone.now() + retry_delay(delivery.attempts)
    logger.info("Letter %s will be retried at %s: %s", delivery.pk, when.isoformat(timespec="seconds"), error)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED,
        subject=delivery.subject,
        body=delivery.body,
        next_attempt_at=when,
        enqueued_at=None,
        lease_expires_at=None,
        last_error=error,
    )
    return SendResult("retry", error)


def _finish(delivery: Delivery, status: str, *, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, subject=delivery.subject, body=delivery.body, lease_expires_at=None, last_error=error
    )


def dispatch_paced_letters(*, now: datetime | None = None) -> int:
    """Enqueue the letters whose sending slot comes up before the next dispatch (pacing.py)."""
    slots = pacing.dispatch_paced(now=now)
    if slots:
        enqueue_deliveries([slot.delivery_id for slot in slots], etas=[slot.at for slot in slots])
    return len(slots)


def release_held_letters(*, target: Target) -> int:
    """After a bounce is fixed: clear the bounce and make the target's held letters due now."""
    with transaction.atomic():
        Target.objects.filter(pk=target.pk).update(bounced_at=None, bounce_reason="")
        target.bounced_at, target.bounce_reason = None, ""
        return Delivery.objects.filter(target=target, status=DeliveryStatus.QUEUED).update(
            next_attempt_at=timezone.now(), enqueued_at=None
        )


def cancel_pending_letters(*, target: Target, reason: str = "The target was deactivated.") -> int:
    """Cancel the queued letters of a target, and those waiting for a digest (letters being sent
    right now finish)."""
    return Delivery.objects.filter(target=target, status__in=CANCELLABLE_STATUSES).update(
        status=DeliveryStatus.CANCELLED, last_error=reason, enqueued_at=None
    )


@dataclass(frozen=True)
class SweepReport:
    released: int
    enqueued: int


def sweep_deliveries(*, now: datetime | None = None, batch_size: int = 1000, max_batches: int = 50) -> SweepReport:
    """Heal what crashes and broker outages left behind.

    1. A lease that expired means a worker died mid-send: the row goes back to the queue.
    2. A queued, due letter to an unpaced target whose message had time to run but did not is
       enqueued again (the dispatcher does the same for paced targets). Rows are taken with SKIP
       LOCKED, so two sweepers never fight, and a duplicate message is harmless because sending
       starts with a claim.
    """
    now = now or timezone.now()
    expired = Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_expires_at__lt=now)
    # A letter whose every attempt died with its worker is given up on, like any other failure.
    expired.filter(attempts__gte=settings.DELIVERY_MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED,
        lease_expires_at=None,
        last_error="The worker stopped before the letter was recorded as sent, on every attempt.",
    )
    released = expired.update(
        status=DeliveryStatus.QUEUED,
        next_attempt_at=now,
        enqueued_at=None,
        lease_expires_at=None,
        last_error="The worker stopped before the letter was recorded as sent; retrying.",
    )
    if released:
        logger.warning("Released %d letter(s) whose worker stopped mid-send", released)
    stale = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    enqueued = 0
    for target_id in pacing.targets_with_waiting_letters(now, stale, paced=False):
        for _ in range(max_batches):
            with transaction.atomic():
                ids = list(
                    pacing.waiting_letters(target_id, now, stale)
                    .select_for_update(skip_locked=True)
                    .order_by("next_attempt_at")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if ids:
                    Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
                    transaction.on_commit(partial(enqueue_deliveries, ids))
            enqueued += len(ids)
            if len(ids) < batch_size:
                break
    if enqueued:
        logger.info("Sweeper enqueued %d due letter(s)", enqueued)
    return SweepReport(released=released, enqueued=enqueued)
