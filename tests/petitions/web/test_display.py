"""The big-screen display and the figures it polls: public, the same for everyone, in the chosen
language, and showing of signers only what they asked to be shown."""

import pytest

from campaigns.enums import CampaignStatus
from petitions.enums import SignatureStatus
from petitions.reporting.counters import add_to_counters
from petitions.web.qrcodes import qr_svg
from tests.factories import SignatureFactory
from tests.wsgiclient import WSGIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(campaign):
    """Ana asked to be shown; Bob did not; Cem has not confirmed yet."""
    SignatureFactory(
        campaign=campaign,
        first_name="Ana",
        last_name="Aliyeva",
        email="ana@example.org",
        country="AZ",
        show_name_publicly=True,
    )
    SignatureFactory(campaign=campaign, first_name="Bob", last_name="Builder", email="bob@example.net", country="GB")
    SignatureFactory(
        campaign=campaign, first_name="Cem", country="TR", show_name_publicly=True, status=SignatureStatus.PENDING
    )
    add_to_counters(campaign_id=campaign.pk, signatures=2, emails_sent=1)
    return campaign


def test_the_display_shows_the_count_the_goal_and_only_public_first_names(client, signed):
    page = client.get(f"/en/c/{signed.slug}/display/").content.decode()

    assert 'data-figure="total">2<' in page
    assert 'data-figure="goal">100<' in page
    assert 'data-figure="emails_sent">1<' in page
    assert "Ana" in page
    assert "Azerbaijan" in page
    for private in ("Aliyeva", "ana@example.org", "Bob", "Builder", "bob@example.net", "Cem"):
        assert private not in page


def test_the_display_has_a_qr_code_to_the_campaign_page_in_its_language(client, signed):
    page = client.get(f"/az/c/{signed.slug}/display/").content.decode()

    assert '<html lang="az" dir="ltr"' in page
    # Drawn on the server (no script, no image from elsewhere), encoding the page in this language.
    assert qr_svg(f"http://testserver/az/c/{signed.slug}/") in page
    assert f"testserver/az/c/{signed.slug}/</p>" in page
    assert "Azərbaycan" in page  # the signer's country, in the page's language
    assert f'data-display-url="/az/c/{signed.slug}/display.json"' in page


def test_the_language_may_be_chosen_and_arabic_runs_right_to_left(client, signed):
    chosen = client.get(f"/c/{signed.slug}/display/?lang=ar")
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/ar/c/{signed.slug}/display/"

    page = client.get(chosen["Location"]).content.decode()
    assert '<html lang="ar" dir="rtl"' in page


def test_the_display_and_its_figures_set_no_cookie_and_may_be_shared(signed):
    for url in (f"/en/c/{signed.slug}/display/", f"/en/c/{signed.slug}/display.json"):
        response = WSGIClient(enforce_csrf_checks=True).get(url)

        assert response.status_code == 200
        assert response.cookies == {}
        assert "Set-Cookie" not in response
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "public" in response["Cache-Control"]


def test_the_figures_are_those_of_the_page_in_its_language(client, signed):
    body = client.get(f"/az/c/{signed.slug}/display.json").json()

    assert body["total"] == 2
    assert body["goal"] == 100
    assert body["emails_sent"] == 1
    assert body["progress_percent"] == 2
    assert body["recent"] == [{"first_name": "Ana", "country": "Azərbaycan"}]
    # Without risk a single signer's country is named: Bob's counts, his name is nowhere.
    assert body["countries"] == [
        {"country": "Azərbaycan", "signers": 1},
        {"country": "Birləşmiş Krallıq", "signers": 1},
    ]
    for private in ("Aliyeva", "Bob", "example"):
        assert private not in str(body)


@pytest.mark.parametrize("address", ["/en/c/{slug}/display/", "/en/c/{slug}/display.json"])
def test_a_draft_has_no_display(client, campaign, address):
    campaign.status = CampaignStatus.DRAFT
    campaign.save()

    assert client.get(address.format(slug=campaign.slug)).status_code == 404


def test_a_closed_campaign_shows_its_final_figures_marked_closed(client, signed):
    signed.status = CampaignStatus.CLOSED
    signed.save()

    page = client.get(f"/en/c/{signed.slug}/display/").content.decode()

    assert 'data-testid="phase">Closed<' in page
    assert 'data-figure="total">2<' in page


def test_the_campaign_page_shows_signatures_by_country(client, signed):
    page = client.get(f"/az/c/{signed.slug}/").content.decode()

    assert "<caption>" in page
    assert '<th scope="row">Azərbaycan</th><td>1</td>' in page
    assert '<th scope="row">Birləşmiş Krallıq</th><td>1</td>' in page
    assert 'class="country-chart"' in page


def test_the_sharing_page_links_to_the_display(client, campaign):
    page = client.get(f"/en/c/{campaign.slug}/share/").content.decode()

    assert f'href="/en/c/{campaign.slug}/display/"' in page
