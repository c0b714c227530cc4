"""When a letter may go to its target: hourly cap, sending window, weekdays, days off, pauses.

Government mailboxes stop accepting a sender's mail at about 3,600 messages an hour and then drop
it for a day, so pacing lives in the database, per target (never in Celery's per-worker rate_limit):

- A paced target (hourly_cap set) gets its letters from the dispatcher, a beat task that runs every
  PACING_INTERVAL_SECONDS. For each such target with due letters it hands out the next slots, each
  3600 / hourly_cap seconds (plus a little jitter) after the last, inside the target's window, and
  advances Target.next_send_at. A letter is enqueued with its slot as ETA, so letters are spread
  evenly, never bunched.
- Sending checks once more, under the target's row lock, that fewer than hourly_cap letters left in
  the past hour: a late or duplicated message can delay a letter but never exceed the cap.
- An unpaced target (hourly_cap empty) gets its letters enqueued at once, as they are signed.
"""

import random
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from campaigns import days_off
from campaigns import services as campaign_services
from campaigns.models import Campaign, Target
from petitions.enums import DeliveryStatus
from petitions.models import Delivery

# How far ahead window_opening looks for an allowed moment (days off cannot block forever).
SEARCH_DAYS = 366
JITTER = 0.1  # each slot comes 0-10% of the spacing later, so targets' letters do not align


def spacing(target: Target) -> timedelta | None:
    return timedelta(seconds=3600 / target.hourly_cap) if target.hourly_cap else None


def _allowed_day(target: Target, day: date) -> bool:
    if target.weekdays_only and day.weekday() >= 5:
        return False
    return not days_off.is_day_off(target, day)


def _in_window(target: Target, moment: time) -> bool:
    if target.window_start is None or target.window_end is None:
        return True
    if target.window_start < target.window_end:
        return target.window_start <= moment < target.window_end
    return moment >= target.window_start or moment < target.window_end  # a window across midnight


def window_opening(target: Target, now: datetime) -> datetime | None:
    """The first moment at or after `now` when the target's rules allow sending, or None in a year."""
    zone = zoneinfo.ZoneInfo(target.timezone)
    local = now.astimezone(zone)
    if _allowed_day(target, local.date()) and _in_window(target, local.time()):
        return now
    start = target.window_start or time(0, 0)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if not _allowed_day(target, day):
            continue
        candidate = datetime.combine(day, start, tzinfo=zone)
        if candidate >= local and _in_window(target, candidate.time()):
            return candidate.astimezone(now.tzinfo)
        if offset == 0 and _in_window(target, local.time()):
            return now
    return None


def is_sending_paused(target: Target, campaign: Campaign) -> bool:
    return target.sending_paused or campaign.sending_paused


@dataclass(frozen=True)
class Slot:
    delivery_id: int
    at: datetime


def dispatch_paced(*, now: datetime | None = None, horizon: timedelta | None = None) -> list[Slot]:
    """Hand out the sending slots that fall before now + horizon, oldest letters first.

    Each target is taken under its row lock (SKIP LOCKED: two dispatchers never share a target).
    Letters enqueued recently are left alone; if their message is lost they come round again once
    SWEEP_GRACE_SECONDS have passed.
    """
    now = now or timezone.now()
    horizon = horizon if horizon is not None else timedelta(seconds=settings.PACING_INTERVAL_SECONDS)
    stale = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    slots: list[Slot] = []
    for target_id in targets_with_waiting_letters(now, stale, paced=True):
        with transaction.atomic():
            target = (
                Target.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("campaign")
                .filter(pk=target_id)
                .first()
            )
            if target is None or is_sending_paused(target, target.campaign):
                continue
            taken = _take_slots(target, waiting_letters(target_id, now, stale), now, now + horizon)
            if taken:
                Delivery.objects.filter(pk__in=[slot.delivery_id for slot in taken]).update(enqueued_at=now)
                campaign_services.set_next_send_at(target=target, at=target.next_send_at)
            slots.extend(taken)
    return slots


def waiting_letters(target_id: int, now: datetime, stale: datetime):
    """A target's due, queued letters that are not (or no longer) on their way to a worker."""
    return Delivery.objects.filter(target_id=target_id, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
    )


def targets_with_waiting_letters(now: datetime, stale: datetime, *, paced: bool) -> list[int]:
    """Active, unpaused targets (paced or unpaced ones) that have letters waiting: one cheap
    EXISTS per target, however long their queues."""
    waiting = Delivery.objects.filter(
        target=OuterRef("pk"), status=DeliveryStatus.QUEUED, next_attempt_at__lte=now
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
    return list(
        Target.objects.filter(
            is_active=True, sending_paused=False, campaign__sending_paused=False, hourly_cap__isnull=not paced
        )
        .filter(Exists(waiting))
        .values_list("pk", flat=True)
    )


def _take_slots(target: Target, letters, now: datetime, until: datetime) -> list[Slot]:
    step = spacing(target)
    slot = max(target.next_send_at or now, now)
    ids: list[Slot] = []
    most = int((until - slot) / step) + 1
    candidates = iter(letters.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:most])
    while slot <= until:
        opening = window_opening(target, slot)
        if opening is None or opening > until:
            break
        delivery_id = next(candidates, None)
        if delivery_id is None:
            break
        ids.append(Slot(delivery_id, opening))
        slot = opening + step * (1 + random.uniform(0, JITTER))
        target.next_send_at = slot
    return ids


def under_hourly_cap(target: Target, now: datetime, *, excluding: int | None = None) -> bool:
    """Fewer than hourly_cap letters to this target left in the past hour or are leaving now.

    Call it under the target's row lock, from the letter that wants to go (`excluding`).
    """
    if not target.hourly_cap:
        return True
    recent = Delivery.objects.filter(target=target, sent_at__gt=now - timedelta(hours=1)).count()
    sending = Delivery.objects.filter(target=target, status=DeliveryStatus.SENDING).exclude(pk=excluding).count()
    return recent + sending < target.hourly_cap
