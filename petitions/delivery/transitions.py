"""A letter's status changes outside the send itself, one function each: cancel the waiting ones,
retry the failed ones, release the ones a bounce held (the claim, send and record are in sending.py)."""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Target
from petitions.delivery.queueing import enqueue_deliveries
from petitions.enums import CANCELLABLE_STATUSES, DeliveryStatus
from petitions.models import Delivery


def retry_failed_letters(*, deliveries: QuerySet[Delivery]) -> int:
    """Put failed letters back in the queue with a fresh set of attempts; returns how many.

    The stored text is kept, so the retry sends exactly what was meant to go. Letters to unpaced
    targets are enqueued after commit; the dispatcher hands paced targets' letters their slots.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            deliveries.filter(status=DeliveryStatus.FAILED)
            .select_for_update(of=("self",))
            .values_list("pk", "target__hourly_cap")
        )
        unpaced = [pk for pk, cap in rows if not cap]
        paced = [pk for pk, cap in rows if cap]
        common = {"status": DeliveryStatus.QUEUED, "attempts": 0, "next_attempt_at": now, "lease_expires_at": None}
        Delivery.objects.filter(pk__in=unpaced).update(enqueued_at=now, **common)
        Delivery.objects.filter(pk__in=paced).update(enqueued_at=None, **common)
        transaction.on_commit(partial(enqueue_deliveries, unpaced))
    return len(rows)


def cancel_letters(letters: QuerySet[Delivery], *, reason: str) -> int:
    """Cancel the waiting letters among `letters`; returns how many. The one cancel, for every cause:
    an organiser's action, a deactivated target, a spam mark, erasure and retention, a digest's
    rejected signer.

    Waiting means queued or batched: a letter waiting for its digest is cancelled like a queued one,
    so a cancelled signer is named in no digest. A letter a worker is sending right now finishes.
    """
    # The status is checked on the row being updated too: a worker may claim a letter meanwhile.
    waiting = letters.filter(status__in=CANCELLABLE_STATUSES).values("pk")
    return Delivery.objects.filter(pk__in=waiting, status__in=CANCELLABLE_STATUSES).update(
        status=DeliveryStatus.CANCELLED, last_error=reason, enqueued_at=None
    )


def release_held_letters(*, target: Target) -> int:
    """After a bounce is fixed: clear the bounce and make the target's held letters due now."""
    with transaction.atomic():
        campaign_services.clear_target_bounce(target=target)
        return Delivery.objects.filter(target=target, status=DeliveryStatus.QUEUED).update(
            next_attempt_at=timezone.now(), enqueued_at=None
        )
