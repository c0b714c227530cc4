"""/metrics: the sending queue and counters for a Prometheus scraper that holds the token, read
from the rows; nothing for anyone else, and nothing about any signer."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.enums import CampaignStatus
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from tests.factories import SignatureFactory, live_campaign

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-7f3a9c"


def scrape(token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get("/metrics", **headers)


def samples(text: str) -> dict[str, float]:
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line[:1] != "#"}


@pytest.fixture
def sending(campaign):
    """Letters in every state that matters: two waiting (one retried), one sent a minute ago, one failed."""
    now = timezone.now()
    target = campaign.targets.get()
    for status, attempts, age, sent_at in [
        (DeliveryStatus.QUEUED, 0, timedelta(minutes=5), None),
        (DeliveryStatus.QUEUED, 2, timedelta(minutes=30), None),
        (DeliveryStatus.SENT, 1, timedelta(hours=2), now - timedelta(minutes=1)),
        (DeliveryStatus.FAILED, 8, timedelta(hours=3), None),
    ]:
        signature = SignatureFactory(campaign=campaign, email=f"signer{attempts}{status}@example.net")
        Delivery.objects.create(
            campaign=campaign,
            signature=signature,
            target=target,
            status=status,
            attempts=attempts,
            created_at=now - age,
            sent_at=sent_at,
        )
    recount_campaign(campaign_id=campaign.pk)
    return campaign


def test_without_a_token_configured_there_is_no_metrics_page(sending):
    assert scrape().status_code == 404


@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN + "x"])
def test_a_scraper_without_the_token_is_refused(sending, settings, token):
    settings.METRICS_TOKEN = TOKEN

    response = scrape(token)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "outcry_letters" not in response.content.decode()


def test_metrics_tell_the_queue_and_counters_of_each_campaign(sending, settings):
    settings.METRICS_TOKEN = TOKEN
    draft = live_campaign(organisation=sending.organisation, slug="not-yet", status=CampaignStatus.DRAFT)

    response = scrape()

    text = response.content.decode()
    values = samples(text)
    label = f'campaign="{sending.slug}"'
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-store" in response["Cache-Control"]
    assert values[f'outcry_letters{{{label},status="queued"}}'] == 2
    assert values[f'outcry_letters{{{label},status="sent"}}'] == 1
    assert values[f'outcry_letters{{{label},status="failed"}}'] == 1
    assert 29 * 60 < values[f"outcry_oldest_waiting_letter_seconds{{{label}}}"] < 31 * 60
    assert values[f"outcry_letters_retrying{{{label}}}"] == 1
    assert values[f"outcry_letters_sent_last_hour{{{label}}}"] == 1
    assert values[f"outcry_letters_sent{{{label}}}"] == 1
    assert values[f"outcry_signatures{{{label}}}"] == 4
    assert draft.slug not in text
    assert "@" not in text
