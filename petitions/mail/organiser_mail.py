"""Emails to organisers: milestones, the daily summary and bounce alerts, to the organisation's
alert address or its members.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.models import Campaign, Organisation, Target
from petitions.core.text import one_line
from petitions.enums import PENDING_STATUSES
from petitions.mail.outgoing import OutgoingEmail, sender
from petitions.models import Delivery


def build_notice(campaign: Campaign, name: str, figures: dict) -> OutgoingEmail | None:
    recipients = organiser_addresses(campaign.organisation)
    if not recipients:
        return None
    context = {
        **figures,
        "site_name": settings.SITE_NAME,
        "campaign": campaign,
        "goal": campaign.goal,
        "dashboard_url": settings.SITE_URL + reverse("admin:petitions_signature_dashboard", args=[campaign.pk]),
    }
    return OutgoingEmail(
        subject=one_line(render_to_string(f"emails/{name}_subject.txt", context)),
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=sender(settings.SITE_NAME),
        to=recipients,
        headers={"Auto-Submitted": "auto-generated"},
    )


def build_bounce_alert(target: Target, *, provider: str) -> OutgoingEmail | None:
    """The organisers' email about a target whose address bounced; None if there is nobody to tell."""
    campaign = target.campaign
    recipients = organiser_addresses(campaign.organisation)
    if not recipients:
        return None
    context = {
        "site_name": settings.SITE_NAME,
        "campaign": campaign,
        "target": target,
        "provider": provider,
        "reason": target.bounce_reason,
        "waiting": Delivery.objects.filter(target=target, status__in=PENDING_STATUSES).count(),
        "admin_url": settings.SITE_URL + reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
    }
    return OutgoingEmail(
        subject=one_line(render_to_string("emails/bounce_alert_subject.txt", context)),
        body=render_to_string("emails/bounce_alert_body.txt", context),
        from_email=sender(settings.SITE_NAME),
        to=recipients,
    )


def organiser_addresses(organisation: Organisation) -> list[str]:
    """The organisation's alert address, or else every active member's own address."""
    if organisation.notify_email:
        return [organisation.notify_email]
    emails = organisation.members.filter(is_active=True).exclude(email="").order_by("pk")
    return list(dict.fromkeys(emails.values_list("email", flat=True)))
