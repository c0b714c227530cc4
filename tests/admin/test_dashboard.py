"""The campaign dashboard: what an organiser sees about their campaign, drawn without scripts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from petitions.reporting.dashboard import bar_chart, campaign_dashboard
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


# Noon of a day that has begun (today or yesterday): "today" holds every signature made at NOW.
NOW = (timezone.now() - timedelta(hours=12)).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def busy(alpha):
    """Alpha with signers from two countries, one via a partner link, one held, letters in each state."""
    now = NOW
    alpha.campaign.signatures.update(created_at=now)
    SignatureFactory(campaign=alpha.campaign, country="FR", created_at=now - timedelta(hours=2))
    SignatureFactory(campaign=alpha.campaign, country="FR", created_at=now - timedelta(days=3))
    SignatureFactory(campaign=alpha.campaign, country="FR", status="held")
    for status in (DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.SENT):
        Delivery.objects.create(
            campaign=alpha.campaign,
            signature=SignatureFactory(campaign=alpha.campaign, created_at=now - timedelta(days=40)),
            target=alpha.target,
            status=status,
        )
    recount_campaign(campaign_id=alpha.campaign.pk)
    return alpha


def test_dashboard_counts_confirmed_signatures_by_country_partner_and_day(busy):
    dashboard = campaign_dashboard(busy.campaign, now=NOW, use_cache=False)

    assert dashboard.signatures == 6
    assert dashboard.by_country == [("United Kingdom", 4), ("France", 2)]
    assert dashboard.by_partner == [("", "", 5), ("Alpha Partner", "alpha-ref", 1)]
    assert sum(n for _, n in dashboard.per_day) == 3  # the three signed in the last 30 days
    assert dashboard.per_day[-1][1] == 2
    assert sum(n for _, n in dashboard.per_hour) == 2
    assert len(dashboard.per_hour) == 48


def test_dashboard_shows_letters_by_status_backlog_and_failures(busy):
    dashboard = campaign_dashboard(busy.campaign, now=NOW, use_cache=False)

    counts = {status: n for status, _, n in dashboard.letters_by_status}
    assert (counts["queued"], counts["sent"], counts["failed"]) == (1, 2, 1)
    assert dashboard.letters_done_percent == 50
    assert dashboard.backlog == 1
    assert [letter.last_error for letter in dashboard.recent_failures] == ["alpha-error"]


def test_dashboard_page_draws_svg_charts_and_progress(alice_client, busy):
    response = alice_client.get(reverse("admin:petitions_signature_dashboard", args=[busy.campaign.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="bar-chart"') == 2
    assert '<strong data-figure="signatures">6</strong>' in page
    assert '<td class="num" data-partner="alpha-ref">1</td>' in page
    assert '<td class="num" data-letters="sent">2</td>' in page
    assert "<script" not in page.split('<div class="outcry-dashboard">')[1]


def test_dashboard_page_of_another_organisation_is_not_found(alice_client, alpha, bravo):
    response = alice_client.get(reverse("admin:petitions_signature_dashboard", args=[bravo.campaign.pk]))

    assert response.status_code == 404


def test_bar_chart_scales_bars_to_the_peak():
    now = timezone.now()

    chart = bar_chart([(now, 2), (now, 4), (now, 0)], label_format="%H", width=300, height=100)

    assert [bar.height for bar in chart["bars"]] == [50.0, 100.0, 0.0]
    assert [bar.x for bar in chart["bars"]] == [10.0, 110.0, 210.0]


def test_campaign_list_shows_each_campaigns_count_and_dashboard_link(alice_client, busy, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("admin:campaigns_campaign_changelist"))

    page = response.content.decode()
    assert '<td class="field-signatures">6</td>' in page
    assert reverse("admin:petitions_signature_dashboard", args=[busy.campaign.pk]) in page


def test_dashboard_shows_how_sending_is_doing(alice_client, busy):
    now = timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.QUEUED).update(created_at=now - timedelta(hours=3), attempts=2)
    sent = list(Delivery.objects.filter(status=DeliveryStatus.SENT))
    Delivery.objects.filter(pk=sent[0].pk).update(sent_at=now - timedelta(seconds=20))
    Delivery.objects.filter(pk=sent[1].pk).update(sent_at=now - timedelta(minutes=20))

    page = alice_client.get(reverse("admin:petitions_signature_dashboard", args=[busy.campaign.pk])).content.decode()

    assert 'data-queue="oldest">3\xa0hours' in page
    assert 'data-queue="minute">1<' in page
    assert 'data-queue="hour">2<' in page
    assert 'data-queue="retrying">1<' in page
    assert "a long wait there is the pacing at work" in page
