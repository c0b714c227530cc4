"""The public read API as a client sees it: each endpoint's fields, what it never shows, and its
HTTP manners (ETags and 304, the limit's 429, CORS for GET, the schema and its docs)."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Partner, TargetName
from petitions.abuse import store
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery
from petitions.reporting.counters import add_to_counters
from petitions.reporting.countries import AT_RISK_MIN_SIGNERS
from tests.factories import (
    CampaignFactory,
    MessageTemplateFactory,
    SignatureFactory,
    TargetFactory,
    live_campaign,
    queue_letters,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client, path, **headers):
    return client.get(f"{API}{path}", headers=headers)


def test_campaigns_lists_live_paused_and_closed_never_drafts(client, campaign):
    MessageTemplateFactory(campaign=campaign, language="az", page_title="Dördlüyə azadlıq", summary="Yazın.")
    closed = live_campaign(slug="closed-one", status=CampaignStatus.CLOSED)
    live_campaign(slug="a-draft", status=CampaignStatus.DRAFT)
    live_campaign(slug="in-rehearsal", status=CampaignStatus.DRAFT, rehearsal_to="alice@union.example.org")

    listed = get(client, "/campaigns").json()

    assert [row["slug"] for row in listed] == ["closed-one", "free-the-four"]
    assert listed[1] == {
        "slug": "free-the-four",
        "title": "Free the Workers' Table four",
        "summary": "Write to the presidential administration.",
        "language": "en",
        "languages": ["az", "en"],
        "main_language": "en",
        "status": "live",
        "phase": "open",
        "opens": campaign.starts_at.isoformat().replace("+00:00", "Z"),
        "closes": campaign.ends_at.isoformat().replace("+00:00", "Z"),
        "goal": 100,
        "url": f"{settings.SITE_URL}/en/c/free-the-four/",
    }
    assert [row["slug"] for row in get(client, "/campaigns?status=closed").json()] == [closed.slug]


def test_a_campaign_in_the_language_asked_for_else_its_main_one(client, campaign):
    MessageTemplateFactory(campaign=campaign, language="az", page_title="Dördlüyə azadlıq", summary="Yazın.")

    azerbaijani = get(client, "/campaigns/free-the-four?language=az").json()
    russian = get(client, "/campaigns/free-the-four?language=ru").json()

    assert (azerbaijani["title"], azerbaijani["language"]) == ("Dördlüyə azadlıq", "az")
    assert azerbaijani["url"].endswith("/az/c/free-the-four/")
    assert (russian["title"], russian["language"]) == ("Free the Workers' Table four", "en")


def test_drafts_and_unknown_campaigns_are_not_found(client):
    live_campaign(slug="a-draft", status=CampaignStatus.DRAFT, rehearsal_to="alice@union.example.org")

    for path in ["/campaigns/a-draft", "/campaigns/nothing-here/counts", "/campaigns/a-draft/targets"]:
        response = get(client, path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such campaign."}


def test_an_unknown_language_is_refused_with_what_is_wrong(client, campaign):
    response = get(client, "/campaigns/free-the-four?language=xx")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "language"]


def test_counts_give_every_figure_and_the_breakdowns(client, campaign):
    partner = Partner.objects.create(campaign=campaign, name="Unite", code="unite")
    Partner.objects.create(campaign=campaign, name="Quiet partner", code="quiet")
    SignatureFactory.create_batch(3, campaign=campaign, country="AZ", source=partner.code)
    SignatureFactory(campaign=campaign, country="TR")
    add_to_counters(campaign_id=campaign.pk, signatures=4, emails_sent=2, paper=10, own_mail=1)
    signature = SignatureFactory(campaign=campaign, country="TR", status=SignatureStatus.PAPER)
    Delivery.objects.filter(pk__in=queue_letters(signature=SignatureFactory(campaign=campaign, country=""))).update(
        status=DeliveryStatus.DELIVERED
    )
    assert signature  # a paper signer counts by country

    counts = get(client, "/campaigns/free-the-four/counts?language=ru").json()

    assert {key: counts[key] for key in ["signatures", "paper", "total", "goal", "emails_sent", "own_mail"]} == {
        "signatures": 4,
        "paper": 10,
        "total": 14,
        "goal": 100,
        "emails_sent": 2,
        "own_mail": 1,
    }
    assert counts["delivered"] == 1
    assert counts["by_country"] == [
        {"country": "AZ", "name": "Азербайджан", "signers": 3},
        {"country": "TR", "name": "Турция", "signers": 2},
    ]
    assert counts["other_countries"] == 0
    assert counts["by_partner"] == [
        {"code": "unite", "name": "Unite", "signatures": 3},
        {"code": "quiet", "name": "Quiet partner", "signatures": 0},
    ]
    assert counts["other_partners"] == 2  # signed on the page itself
    assert len(counts["by_day"]) == 30
    assert counts["by_day"][-1] == {"day": timezone.now().date().isoformat(), "signatures": 5}
    assert counts["by_day"][0]["signatures"] == 0
    assert counts["hidden_below"] is None


def test_where_signers_may_be_at_risk_small_groups_are_never_shown(client, campaign):
    campaign.signers_at_risk = True
    campaign.save()
    Partner.objects.create(campaign=campaign, name="Big union", code="big")
    Partner.objects.create(campaign=campaign, name="Small group", code="small")
    SignatureFactory.create_batch(AT_RISK_MIN_SIGNERS, campaign=campaign, country="GB", source="big")
    SignatureFactory.create_batch(2, campaign=campaign, country="IS", source="small")

    counts = get(client, "/campaigns/free-the-four/counts").json()

    assert counts["hidden_below"] == AT_RISK_MIN_SIGNERS
    assert counts["by_country"] == [{"country": "GB", "name": "United Kingdom", "signers": AT_RISK_MIN_SIGNERS}]
    assert counts["other_countries"] == 2
    assert counts["by_partner"] == [{"code": "big", "name": "Big union", "signatures": AT_RISK_MIN_SIGNERS}]
    assert counts["other_partners"] == 2
    assert counts["by_day"][-1]["signatures"] == AT_RISK_MIN_SIGNERS + 2
    assert {day["signatures"] for day in counts["by_day"][:-1]} == {None}  # 0 and 1-4 look alike


def test_recent_signers_are_first_names_of_those_who_chose_and_nothing_more(client, campaign):
    SignatureFactory(
        campaign=campaign, first_name="Aysel", last_name="Mammadova", country="AZ", show_name_publicly=True
    )
    SignatureFactory(campaign=campaign, first_name="Hidden", show_name_publicly=False)
    SignatureFactory(campaign=campaign, first_name="Pending", show_name_publicly=True, status=SignatureStatus.PENDING)

    response = get(client, "/campaigns/free-the-four/recent-signers?language=en")

    assert response.json() == [{"first_name": "Aysel", "country": "AZ", "country_name": "Azerbaijan"}]
    body = response.content.decode()
    assert "Mammadova" not in body
    assert "@" not in body
    assert "127.0.0.1" not in body


def test_targets_give_names_and_titles_and_addresses_only_when_published(client, campaign):
    target = campaign.targets.get()
    TargetName.objects.create(target=target, language="az", name="Prezident Administrasiyası", title="Rəhbər")
    TargetFactory(campaign=campaign, name="Retired", is_active=False)

    assert get(client, "/campaigns/free-the-four/targets?language=az").json() == [
        {"name": "Prezident Administrasiyası", "title": "Rəhbər", "email": None}
    ]
    assert "@" not in get(client, "/campaigns/free-the-four/targets").content.decode()

    campaign.publish_target_addresses = True
    campaign.save()
    other = CampaignFactory(slug="published", publish_target_addresses=True)
    MessageTemplateFactory(campaign=other)
    TargetFactory(campaign=other, name="Ministry", title="", email="minister@gov.example.org")

    assert get(client, "/campaigns/published/targets").json() == [
        {"name": "Ministry", "title": "", "email": "minister@gov.example.org"}
    ]


def test_an_etag_sent_back_gets_a_304_without_the_body(client, campaign):
    first = get(client, "/campaigns/free-the-four/counts")
    assert first["ETag"].startswith('"')
    assert first["Cache-Control"] == "public, max-age=30"

    again = get(client, "/campaigns/free-the-four/counts", if_none_match=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"
    assert get(client, "/campaigns/free-the-four/counts", if_none_match='"other"').status_code == 200


def test_answers_are_kept_for_a_while_so_a_poll_costs_no_count(client, campaign, django_assert_num_queries):
    get(client, "/campaigns/free-the-four/counts")
    SignatureFactory(campaign=campaign)
    add_to_counters(campaign_id=campaign.pk, signatures=1)

    with django_assert_num_queries(0):  # the whole answer is kept in the shared cache
        assert get(client, "/campaigns/free-the-four/counts").json()["signatures"] == 0


@override_settings(API_REQUESTS_PER_MINUTE=3)
def test_past_the_limit_an_address_gets_a_429_with_retry_after(client, campaign):
    for _ in range(3):
        assert get(client, "/campaigns").status_code == 200

    refused = get(client, "/campaigns")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json() == {"detail": "Too many requests."}
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{API}/campaigns", REMOTE_ADDR="192.0.2.7").status_code == 200  # another address
    keys = [key.decode() for key in store.client().scan_iter("abuse:api-ip:*")]
    assert keys
    assert not any("127.0.0.1" in key for key in keys)


def test_get_is_open_to_every_origin_and_nothing_else_is_offered(client, campaign):
    response = get(client, "/campaigns/free-the-four", origin="https://partner.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert not response.cookies  # nothing to remember a reader by
    refused = client.post(f"{API}/campaigns", {})
    assert refused.status_code == 405
    assert "Access-Control-Allow-Origin" not in refused


def test_the_schema_and_its_docs_are_served_from_here(client):
    schema = client.get(f"{API}/openapi.json")
    docs = client.get(f"{API}/docs")

    assert schema.status_code == 200
    assert schema["Access-Control-Allow-Origin"] == "*"
    assert set(schema.json()["paths"]) == {
        "/api/v1/campaigns",
        "/api/v1/campaigns/{slug}",
        "/api/v1/campaigns/{slug}/counts",
        "/api/v1/campaigns/{slug}/recent-signers",
        "/api/v1/campaigns/{slug}/targets",
    }
    page = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


@override_settings(DEBUG=False)
def test_an_address_the_api_does_not_have_answers_in_json(client):
    response = get(client, "/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
