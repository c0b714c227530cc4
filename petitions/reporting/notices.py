"""Organisers' notices: an email when a campaign passes 25, 50, 75 or 100% of its goal, and an
opt-in daily summary. Both run on beat and go to the organisation's alert address (or its members)."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from petitions.enums import SENT_STATUSES, DeliveryStatus, SignatureStatus, WebhookEvent
from petitions.mail.errors import describe
from petitions.mail.organiser_mail import build_notice
from petitions.models import CounterShard, Delivery, Signature
from petitions.webhooks.collecting import record_event
from petitions.webhooks.payloads import milestone_event

logger = logging.getLogger(__name__)


MILESTONES = (25, 50, 75, 100)


def milestone_reached(signatures: int, goal: int | None) -> int:
    """The highest milestone (percent of the goal) that `signatures` reaches; 0 for none."""
    if not goal:
        return 0
    return max((m for m in MILESTONES if signatures * 100 >= m * goal), default=0)


def notify_milestones() -> int:
    """Tell organisers of every campaign that passed a new milestone; returns the emails sent.

    The campaign's row is moved to the new milestone by a conditional update before the email goes,
    so two overlapping runs never send the same news twice; several milestones passed between two
    runs make one email, about the highest.
    """
    sent = 0
    campaigns = Campaign.objects.filter(goal__gt=0, milestone_notified__lt=100).exclude(status=CampaignStatus.DRAFT)
    totals = dict(
        CounterShard.objects.filter(campaign__in=campaigns)
        .values_list("campaign_id")
        .annotate(n=Sum("signatures") + Sum("paper"))
        .order_by()
    )
    for campaign in campaigns.select_related("organisation"):
        signatures = totals.get(campaign.pk, 0)
        reached = milestone_reached(signatures, campaign.goal)
        if reached <= campaign.milestone_notified:
            continue
        with transaction.atomic():
            claimed = campaign_services.claim_milestone(campaign=campaign, reached=reached)
            if claimed:  # the webhooks' event goes with the claim, or not at all
                record_event(
                    campaign,
                    WebhookEvent.MILESTONE_REACHED,
                    *milestone_event(campaign, reached, signatures, timezone.now()),
                )
        if claimed and _send(campaign, "milestone", {"percent": reached, "signatures": signatures}):
            sent += 1
    return sent


def summary_figures(campaign: Campaign, *, now: datetime) -> dict:
    since = now - timedelta(days=1)
    letters = Delivery.objects.filter(campaign=campaign)
    return {
        "since": since,
        "signatures": Signature.objects.filter(
            campaign=campaign, status=SignatureStatus.CONFIRMED, created_at__gte=since
        ).count(),
        "total": CounterShard.objects.filter(campaign=campaign).aggregate(
            n=Sum("signatures", default=0) + Sum("paper", default=0)
        )["n"],
        "sent": letters.filter(status__in=SENT_STATUSES, sent_at__gte=since).count(),
        "waiting": letters.filter(status=DeliveryStatus.QUEUED).count(),
        "failed": letters.filter(status=DeliveryStatus.FAILED).count(),
    }


def send_daily_summaries(*, now: datetime | None = None) -> int:
    """The morning email of every live or paused campaign that asked for one; returns how many went."""
    now = now or timezone.now()
    sent = 0
    campaigns = Campaign.objects.filter(
        daily_summary=True, status__in=[CampaignStatus.LIVE, CampaignStatus.PAUSED]
    ).select_related("organisation")
    for campaign in campaigns:
        if _send(campaign, "daily_summary", summary_figures(campaign, now=now)):
            sent += 1
    return sent


def _send(campaign: Campaign, name: str, figures: dict) -> bool:
    message = build_notice(campaign, name, figures)
    if message is None:
        logger.warning("Campaign %s has no organiser address for its %s email", campaign.pk, name)
        return False
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - one organisation's mail trouble must not stop the others
        logger.warning("The %s email of campaign %s could not be sent: %s", name, campaign.pk, describe(exc))
        return False
    return True
