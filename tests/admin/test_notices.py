"""Organisers' notices: milestone emails at 25/50/75/100% of the goal, and the opt-in daily summary."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from campaigns.models import Campaign
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from petitions.reporting.notices import milestone_reached, notify_milestones, send_daily_summaries
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("signatures", "goal", "reached"),
    [(0, 100, 0), (24, 100, 0), (25, 100, 25), (74, 100, 50), (100, 100, 100), (250, 100, 100), (5, None, 0)],
)
def test_milestone_reached_is_the_highest_quarter_passed(signatures, goal, reached):
    assert milestone_reached(signatures, goal) == reached


def signed(campaign: Campaign, count: int) -> None:
    SignatureFactory.create_batch(count, campaign=campaign)
    recount_campaign(campaign_id=campaign.pk)


def test_milestone_email_goes_once_to_the_organisers(alice, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(goal=8)
    signed(alpha.campaign, 1)  # 2 of 8: 25%

    first, again = notify_milestones(), notify_milestones()

    assert (first, again) == (1, 0)
    [email] = mail.outbox
    assert email.to == ["alice@union.example.org"]
    assert email.subject == "Alpha secret campaign: 25% of the goal"
    assert 'Your campaign "Alpha secret campaign" has 2 signatures: 25% of its goal of 8.' in email.body


def test_several_milestones_passed_at_once_make_one_email_about_the_highest(alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(goal=4)
    signed(alpha.campaign, 3)  # 4 of 4

    notify_milestones()

    [email] = mail.outbox
    assert "the goal of 4 is reached!" in email.body
    assert Campaign.objects.get(pk=alpha.campaign.pk).milestone_notified == 100


def test_milestone_email_uses_the_organisations_alert_address(alpha):
    alpha.organisation.notify_email = "alerts@alpha.example.org"
    alpha.organisation.save()
    Campaign.objects.filter(pk=alpha.campaign.pk).update(goal=2)
    signed(alpha.campaign, 0)

    notify_milestones()

    assert mail.outbox[0].to == ["alerts@alpha.example.org"]


def test_daily_summary_goes_only_to_campaigns_that_asked(alpha, bravo):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(daily_summary=True)
    SignatureFactory(campaign=alpha.campaign, created_at=timezone.now() - timedelta(days=2))
    Delivery.objects.create(
        campaign=alpha.campaign,
        signature=SignatureFactory(campaign=alpha.campaign),
        target=alpha.target,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )
    recount_campaign(campaign_id=alpha.campaign.pk)

    assert send_daily_summaries() == 1

    [email] = mail.outbox
    assert email.subject == "Alpha secret campaign: 2 new signatures in the past day"
    assert "New signatures: 2 (in all: 3 of a goal of 1,000)" in email.body
    assert "Letters sent: 1\n" in email.body
    assert "Failed letters (in all): 1\n" in email.body
    assert "bravo" not in email.body.lower()


@pytest.mark.parametrize(
    ("entry", "task"),
    [
        ("close ended campaigns", "campaigns.close_ended_campaigns"),
        ("milestones", "petitions.notify_milestones"),
        ("daily summaries", "petitions.send_daily_summaries"),
    ],
)
def test_organisers_beat_tasks_run_on_the_beat_queue(entry, task):
    from celery import Celery
    from django.conf import settings

    from outcry.celery import schedule_periodic_tasks

    app = Celery("schedule-only")
    schedule_periodic_tasks(app)

    assert app.conf.beat_schedule[entry]["task"] == task
    assert app.conf.beat_schedule[entry]["options"]["queue"] == "beat"
    assert settings.CELERY_TASK_ROUTES[task] == {"queue": "beat"}


def test_daily_summaries_go_at_the_configured_hour():
    from celery import Celery

    from outcry.celery import schedule_periodic_tasks

    app = Celery("schedule-only")
    schedule_periodic_tasks(app)

    assert app.conf.beat_schedule["daily summaries"]["schedule"].hour == {7}
