"""The embed for partner sites: framable (and nothing else is), cookie-free, forgery-checked."""

import pytest
from django.test import Client

from campaigns.enums import CampaignStatus
from petitions.models import Signature
from petitions.web import embedding
from petitions.web.embedding import embed_form_token
from tests.petitions.web.origins import FOREIGN_POSTS

pytestmark = pytest.mark.django_db

OWN_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def strict_client() -> Client:
    """A browser without any cookie, with Django's CSRF checks on as in production."""
    return Client(enforce_csrf_checks=True)


def embed_post(client, campaign, data, *, query="?form=1", **headers):
    return client.post(f"/c/{campaign.slug}/embed/{query}", data, REMOTE_ADDR="203.0.113.7", **headers)


def test_embed_may_be_framed_and_the_campaign_page_may_not(client, campaign):
    embed = client.get(f"/c/{campaign.slug}/embed/")
    page = client.get(f"/c/{campaign.slug}/")

    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert embed.allow_framing is True
    assert page["X-Frame-Options"] == "DENY"
    assert not getattr(page, "allow_framing", False)


def test_embed_shows_the_counter_and_a_link_without_the_form(client, campaign):
    page = client.get(f"/c/{campaign.slug}/embed/").content.decode()

    assert 'data-counter="total"' in page
    assert f'href="http://testserver/c/{campaign.slug}/" target="_blank"' in page
    assert 'name="email"' not in page


def test_embed_with_form_carries_a_signed_token_and_sets_no_cookie(client, campaign):
    response = client.get(f"/c/{campaign.slug}/embed/?form=1")

    page = response.content.decode()
    assert 'name="email"' in page
    assert 'name="embed_token"' in page
    assert "csrfmiddlewaretoken" not in page
    assert response.cookies == {}


def test_embed_signs_without_cookies_and_records_the_partner_code(strict_client, campaign, bob_form):
    data = bob_form | {"embed_token": embed_form_token(campaign.pk)}

    response = embed_post(strict_client, campaign, data, query="?form=1&ref=itf", **OWN_ORIGIN)

    assert response.status_code == 302
    assert response["Location"] == f"/c/{campaign.slug}/embed/share/"
    assert response.cookies == {}
    signature = Signature.objects.get()
    assert (signature.first_name, signature.source) == ("Bob", "itf")
    thanks = strict_client.get(response["Location"])
    assert thanks.status_code == 200
    assert "X-Frame-Options" not in thanks


@pytest.mark.parametrize("headers", FOREIGN_POSTS)
def test_embed_post_from_another_site_is_refused(strict_client, campaign, bob_form, headers):
    data = bob_form | {"embed_token": embed_form_token(campaign.pk)}

    response = embed_post(strict_client, campaign, data, **headers)

    assert response.status_code == 403
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("token", ["", "garbage", "other-campaign"])
def test_embed_post_with_a_bad_token_stores_nothing_and_keeps_what_was_typed(strict_client, campaign, bob_form, token):
    if token == "other-campaign":
        token = embed_form_token(campaign.pk + 1)

    response = embed_post(strict_client, campaign, bob_form | {"embed_token": token}, **OWN_ORIGIN)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This form was open too long" in page
    assert 'value="Builder"' in page
    assert Signature.objects.count() == 0


def test_embed_post_with_an_expired_token_asks_to_send_again(strict_client, campaign, bob_form, monkeypatch):
    token = embed_form_token(campaign.pk)
    monkeypatch.setattr(embedding, "EMBED_FORM_MAX_AGE", -1)

    response = embed_post(strict_client, campaign, bob_form | {"embed_token": token}, **OWN_ORIGIN)

    assert "This form was open too long" in response.content.decode()
    assert 'name="embed_token"' in response.content.decode()  # a fresh one, to send again
    assert Signature.objects.count() == 0


def test_closed_campaign_embed_shows_final_figures_and_no_form(client, campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()

    page = client.get(f"/c/{campaign.slug}/embed/?form=1").content.decode()

    assert "Final figures" in page
    assert 'name="email"' not in page


def test_embed_in_a_language_given_by_the_partner(client, campaign):
    page = client.get(f"/az/c/{campaign.slug}/embed/?form=1").content.decode()

    assert '<html lang="az"' in page
    assert "Məktubumu göndər" in page


def test_embed_script_is_served_at_a_stable_address(client):
    response = client.get("/embed.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    assert b"data-campaign" in response.content


def test_the_campaign_overview_shows_the_embed_snippets(admin_client, campaign, settings):
    page = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/overview/").content.decode()

    site = settings.SITE_URL
    assert f"&lt;script src=&quot;{site}/embed.js&quot; data-campaign=&quot;{campaign.slug}&quot;" in page
    assert f"&lt;iframe src=&quot;{site}/c/{campaign.slug}/embed/?form=1&quot;" in page


def test_content_security_policy_lets_partners_frame_the_embed_only(client, campaign):
    embed = client.get(f"/c/{campaign.slug}/embed/?form=1")
    page = client.get(f"/c/{campaign.slug}/")

    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_embed_thanks_asks_to_confirm_when_the_campaign_requires_it(client, campaign):
    campaign.signers_at_risk = True
    campaign.save()

    page = client.get(f"/c/{campaign.slug}/embed/share/").content.decode()

    assert "Thank you for standing with this campaign" in page
    assert "letters go only after you confirm" in page
