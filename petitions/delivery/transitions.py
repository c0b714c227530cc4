"""Organisers' actions on letters from the admin: retry the failed ones, cancel the pending ones."""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

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


def cancel_pending_deliveries(*, deliveries: QuerySet[Delivery], reason: str = "Cancelled by an organiser.") -> int:
    """Cancel queued letters; a letter a worker is sending right now finishes. Returns how many."""
    # The status is checked on the row being updated too: a worker may claim a letter meanwhile.
    pending = deliveries.filter(status=DeliveryStatus.QUEUED).values("pk")
    return Delivery.objects.filter(pk__in=pending, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.CANCELLED, last_error=reason, enqueued_at=None
    )


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
