"""Organisers' review of signatures: release or reject what the abuse defences held, mark confirmed
signatures as spam and back. Every move keeps the public count exact and the letters consistent.

- release (held or rejected -> confirmed): counted; each target gets its letter (a letter cancelled
  by a spam mark is queued again, one already sent is not sent twice). Where the campaign requires
  confirmation and the signer never confirmed: -> pending, and the confirmation link is mailed.
- reject (held -> rejected): nothing to undo, it was never counted.
- mark as spam (confirmed -> rejected): uncounted; letters still waiting are cancelled. Letters
  already sent stay sent (and in the "emails sent" count): they cannot be called back.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.enums import DeliveryMode
from petitions.delivery.queueing import enqueue_deliveries, letters_for
from petitions.delivery.transitions import cancel_letters
from petitions.enums import CANCELLABLE_STATUSES, DeliveryStatus, SignatureStatus
from petitions.mail.signer_mail import enqueue_signer_mail
from petitions.models import Delivery, Signature
from petitions.reporting.counters import add_to_counters

SPAM_REASON = "Marked as spam by an organiser."
SPAM_MARK = "marked_spam"


@dataclass(frozen=True)
class ModerationResult:
    signatures: int
    letters_queued: int = 0
    letters_cancelled: int = 0
    asked_to_confirm: int = 0


@dataclass(frozen=True)
class ModerationPreview:
    """What an action would do to the chosen signatures, shown before it is confirmed."""

    action: str
    signatures: int
    skipped: int
    letters_to_queue: int
    letters_to_cancel: int
    count_change: int
    to_confirm: int = 0


MOVES = {
    "release": (SignatureStatus.HELD, SignatureStatus.REJECTED),
    "reject": (SignatureStatus.HELD,),
    "mark_spam": (SignatureStatus.CONFIRMED,),
}


def preview_moderation(*, action: str, signatures: QuerySet[Signature]) -> ModerationPreview:
    """Counts only: the confirmation page shows these before anything changes."""
    movable = signatures.filter(status__in=MOVES[action])
    moving = movable.count()
    to_queue = to_cancel = to_confirm = 0
    if action == "release":
        to_confirm = _needing_confirmation(movable).count()
        now = timezone.now()
        for signature in movable.exclude(pk__in=_needing_confirmation(movable)).select_related("campaign"):
            new, requeue = _letters_to_release(signature, now=now)
            to_queue += len(new) + len(requeue)
    elif action == "mark_spam":
        to_cancel = Delivery.objects.filter(signature__in=movable, status__in=CANCELLABLE_STATUSES).count()
    change = {"release": moving - to_confirm, "reject": 0, "mark_spam": -moving}[action]
    return ModerationPreview(action, moving, signatures.count() - moving, to_queue, to_cancel, change, to_confirm)


def release_signatures(*, signature_ids: Iterable[int]) -> ModerationResult:
    """Held or rejected -> confirmed: counted, letters created or re-queued, enqueued after commit.

    On a campaign that requires confirmation, a signature its signer never confirmed goes to pending
    instead and its address is sent the confirmation link: an organiser can vouch that a signature
    is not a bot's, not that the address's owner signed (a held mail-bombing attempt stays harmless).
    """
    ids = list(signature_ids)
    unconfirmed = set(_needing_confirmation(Signature.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    asked = _ask_to_confirm(unconfirmed)
    accepted = accept_signatures(
        signature_ids=[pk for pk in ids if pk not in unconfirmed], from_statuses=MOVES["release"]
    )
    return replace(accepted, signatures=accepted.signatures + asked, asked_to_confirm=asked)


def _needing_confirmation(signatures: QuerySet[Signature]) -> QuerySet[Signature]:
    return signatures.filter(status__in=MOVES["release"], confirmed_at__isnull=True, campaign__signers_at_risk=True)


def _ask_to_confirm(signature_ids: set[int]) -> int:
    """-> pending, with a fresh confirmation window (pending signatures expire from created_at)."""
    with transaction.atomic():
        ids = list(
            Signature.objects.select_for_update()
            .filter(pk__in=signature_ids, status__in=MOVES["release"])
            .values_list("pk", flat=True)
        )
        # The confirmation email is owed afresh: the sweeper asks again if this request is lost.
        Signature.objects.filter(pk__in=ids).update(
            status=SignatureStatus.PENDING,
            created_at=timezone.now(),
            confirmation_mailed_at=None,
            confirmation_swept_at=None,
        )
        for pk in ids:
            transaction.on_commit(partial(enqueue_signer_mail, "first_confirmation", pk))
    return len(ids)


def accept_signatures(*, signature_ids: Iterable[int], from_statuses: Iterable[str]) -> ModerationResult:
    """Signatures in `from_statuses` -> confirmed, counted once, with their letters: the one way a
    signature becomes confirmed after signing (an organiser's release, the signer's confirmation)."""
    now = timezone.now()
    queued, to_enqueue = 0, []
    with transaction.atomic():
        signatures = list(
            Signature.objects.select_for_update(of=("self",))
            .filter(pk__in=list(signature_ids), status__in=list(from_statuses))
            .select_related("campaign")
            .order_by("pk")
        )
        for signature in signatures:
            new, requeue = _letters_to_release(signature, now=now)
            created = Delivery.objects.bulk_create(new)
            digest = signature.campaign.delivery_mode == DeliveryMode.DIGEST
            # Unpaced targets' letters are enqueued now; paced ones wait for the dispatcher's slots,
            # and in digest mode every letter waits for the next digest.
            unpaced = [] if digest else [letter.pk for letter in requeue if not letter.target.hourly_cap]
            Delivery.objects.filter(pk__in=[letter.pk for letter in requeue]).update(
                status=DeliveryStatus.BATCHED if digest else DeliveryStatus.QUEUED,
                next_attempt_at=now,
                enqueued_at=None,
                last_error="",
            )
            Delivery.objects.filter(pk__in=unpaced).update(enqueued_at=now)
            queued += len(created) + len(requeue)
            to_enqueue += [letter.pk for letter in created if letter.enqueued_at] + unpaced
        Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(
            status=SignatureStatus.CONFIRMED, confirmed_at=now
        )
        _count(signatures, +1)
        transaction.on_commit(partial(enqueue_deliveries, to_enqueue))
    return ModerationResult(signatures=len(signatures), letters_queued=queued)


def _letters_to_release(signature: Signature, *, now: datetime) -> tuple[list[Delivery], list[Delivery]]:
    """New letters for targets without one, and letters a spam mark cancelled, to queue again."""
    existing = {letter.target_id: letter for letter in signature.deliveries.select_related("target")}
    new = [letter for letter in letters_for(signature, now=now) if letter.target_id not in existing]
    requeue = [
        letter
        for letter in existing.values()
        if letter.status == DeliveryStatus.CANCELLED
        and letter.last_error == SPAM_REASON
        and (letter.target.is_active or letter.target.bounced_at is not None)
    ]
    return new, requeue


def reject_signatures(*, signature_ids: Iterable[int]) -> ModerationResult:
    """Held -> rejected. It was never counted and has no letters: nothing else changes."""
    updated = Signature.objects.filter(pk__in=list(signature_ids), status=SignatureStatus.HELD).update(
        status=SignatureStatus.REJECTED
    )
    return ModerationResult(signatures=updated)


def mark_signatures_as_spam(*, signature_ids: Iterable[int]) -> ModerationResult:
    """Confirmed -> rejected: uncounted, waiting letters cancelled (a letter being sent right now is
    cancelled by the sender's own check of the signature's status)."""
    with transaction.atomic():
        signatures = list(
            Signature.objects.select_for_update()
            .filter(pk__in=list(signature_ids), status=SignatureStatus.CONFIRMED)
            .order_by("pk")
        )
        ids = [s.pk for s in signatures]
        Signature.objects.filter(pk__in=ids).update(status=SignatureStatus.REJECTED, hold_reasons=SPAM_MARK)
        cancelled = cancel_letters(Delivery.objects.filter(signature_id__in=ids), reason=SPAM_REASON)
        _count(signatures, -1)
    return ModerationResult(signatures=len(signatures), letters_cancelled=cancelled)


def _count(signatures: list[Signature], sign: int) -> None:
    per_campaign: dict[int, int] = {}
    for signature in signatures:
        per_campaign[signature.campaign_id] = per_campaign.get(signature.campaign_id, 0) + 1
    for campaign_id, count in per_campaign.items():
        add_to_counters(campaign_id=campaign_id, signatures=sign * count)
