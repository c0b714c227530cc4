"""The sweeper: heals what crashed workers and broker outages left behind."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petitions.core.doorbell import messages_waiting
from petitions.delivery import leases, pacing
from petitions.delivery.queueing import enqueue_deliveries
from petitions.enums import DeliveryStatus
from petitions.models import Delivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    released: int
    enqueued: int


def sweep_deliveries(*, now: datetime | None = None, batch_size: int = 1000, max_batches: int = 50) -> SweepReport:
    """Heal what crashes and broker outages left behind.

    1. A lease that expired, or whose holder on this host was killed (leases.py), means a worker
       died mid-send: the row goes back to the queue.
    2. A queued, due letter to an unpaced target whose message had time to run but did not is
       enqueued again (the dispatcher does the same for paced targets): after SWEEP_GRACE_SECONDS,
       or SWEEP_IDLE_GRACE_SECONDS when no message waits on the broker, since its message is then
       gone. Rows are taken with SKIP LOCKED, so two sweepers never fight, and a duplicate message
       is harmless because sending starts with a claim.
    """
    now = now or timezone.now()
    expired = Delivery.objects.filter(status=DeliveryStatus.SENDING).filter(
        Q(lease_expires_at__lt=now) | Q(pk__in=_leases_of_killed_processes())
    )
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
    grace = settings.SWEEP_GRACE_SECONDS
    if messages_waiting() == 0:
        grace = min(grace, settings.SWEEP_IDLE_GRACE_SECONDS)
    stale = now - timedelta(seconds=grace)
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


def _leases_of_killed_processes() -> list[int]:
    """Letters leased by a process of this host that no longer runs."""
    held_here = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, leased_by__startswith=leases.here_prefix()
    ).values_list("pk", "leased_by")
    return [pk for pk, holder in held_here if leases.is_gone(holder)]
