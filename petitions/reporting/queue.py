"""How sending is doing: what waits, since when, and how fast letters leave.

For the organisers' campaign dashboard and for /metrics. Every figure is read from the rows (the
row is the truth, the broker only a doorbell), so it is the same whichever process asks, and a
Redis that lost its messages does not hide a backlog.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from petitions.enums import DeliveryStatus
from petitions.models import Delivery

WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
RETRYING = Q(status=DeliveryStatus.QUEUED, attempts__gt=0)  # queued again after a failed attempt
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


@dataclass(frozen=True)
class QueueHealth:
    oldest_waiting_since: datetime | None  # when the oldest letter queued or being sent was written
    retrying: int
    sent_last_minute: int
    sent_last_hour: int
    now: datetime


def queue_health(letters: QuerySet[Delivery], *, now: datetime | None = None) -> QueueHealth:
    """The health of the letters in `letters` (all of them, or one campaign's): two aggregates."""
    now = now or timezone.now()
    waiting = letters.filter(status__in=WAITING).aggregate(
        oldest=Min("created_at"), retrying=Count("pk", filter=RETRYING)
    )
    sent = letters.filter(sent_at__gte=now - HOUR).aggregate(
        hour=Count("pk"), minute=Count("pk", filter=Q(sent_at__gte=now - MINUTE))
    )
    return QueueHealth(
        oldest_waiting_since=waiting["oldest"],
        retrying=waiting["retrying"],
        sent_last_minute=sent["minute"],
        sent_last_hour=sent["hour"],
        now=now,
    )


def letters_by_campaign_and_status() -> list[tuple[int, str, int]]:
    """(campaign id, status, count) for every campaign's letters, in one grouped pass."""
    rows = (
        Delivery.objects.values_list("campaign_id", "status").annotate(n=Count("pk")).order_by("campaign_id", "status")
    )
    return list(rows)


def waiting_by_campaign(*, now: datetime) -> dict[int, tuple[float, int]]:
    """{campaign id: (age in seconds of its oldest waiting letter, letters retrying)}."""
    rows = (
        Delivery.objects.filter(status__in=WAITING)
        .values_list("campaign_id")
        .annotate(oldest=Min("created_at"), retrying=Count("pk", filter=RETRYING))
        .order_by()
    )
    return {campaign_id: ((now - oldest).total_seconds(), retrying) for campaign_id, oldest, retrying in rows}


def sent_last_hour_by_campaign(*, now: datetime) -> dict[int, int]:
    rows = (
        Delivery.objects.filter(sent_at__gte=now - HOUR).values_list("campaign_id").annotate(n=Count("pk")).order_by()
    )
    return dict(rows)
