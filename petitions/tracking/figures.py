"""Each target's letters as its mail server answered them, for the organisers' dashboard: sent,
delivered, soft bounces (a temporary refusal; a delay is not one) and whether it bounced hard."""

from dataclasses import dataclass
from datetime import datetime

from anymail.signals import EventType
from django.db.models import Count

from campaigns.models import Campaign
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, TrackingEvent
from petitions.tracking.bounces import DELAY_DESCRIPTION
from petitions.tracking.events import ABOUT_ANOTHER_RECIPIENT


@dataclass(frozen=True)
class TargetFigures:
    target_id: int
    name: str
    is_active: bool
    sent: int  # sent or delivered
    delivered: int
    soft_bounces: int
    bounced_at: datetime | None


def target_figures(campaign: Campaign) -> list[TargetFigures]:
    letters: dict[int, dict[str, int]] = {}
    rows = Delivery.objects.filter(campaign=campaign, rehearsal_to="").values_list("target_id", "status")
    for target_id, status, n in rows.annotate(n=Count("pk")).order_by():
        letters.setdefault(target_id, {})[status] = n
    soft = dict(
        TrackingEvent.objects.filter(delivery__campaign=campaign, event_type=EventType.DEFERRED)
        .exclude(description__startswith=DELAY_DESCRIPTION)
        .exclude(outcome=ABOUT_ANOTHER_RECIPIENT)
        .values_list("delivery__target_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = []
    for target in campaign.targets.order_by("name", "pk").only("pk", "name", "is_active", "bounced_at"):
        counts = letters.get(target.pk, {})
        delivered = counts.get(DeliveryStatus.DELIVERED, 0)
        figures.append(
            TargetFigures(
                target_id=target.pk,
                name=target.name,
                is_active=target.is_active,
                sent=counts.get(DeliveryStatus.SENT, 0) + delivered,
                delivered=delivered,
                soft_bounces=soft.get(target.pk, 0),
                bounced_at=target.bounced_at,
            )
        )
    return figures
