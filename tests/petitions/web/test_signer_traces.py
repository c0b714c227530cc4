"""What signing leaves on the signer's device: no cookie outlives the visit, and the browser's
history holds nothing that a visitor who did not sign would not have too."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signing_leaves_no_cookie_at_all(campaign, bob_form):
    browser = Client()

    browser.get(f"/c/{campaign.slug}/")
    signed = browser.post(f"/c/{campaign.slug}/", bob_form, follow=True)

    assert signed.status_code == 200
    assert "Thank you for standing with this campaign" in signed.content.decode()
    assert browser.cookies == {}


def test_the_csrf_cookie_of_the_data_request_form_ends_with_the_visit():
    browser = Client()

    browser.get("/my-data/")

    cookie = browser.cookies["csrftoken"]
    assert cookie.value
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


def test_the_language_cookie_ends_with_the_visit(client, campaign):
    response = client.get(f"/c/{campaign.slug}/?lang=az")

    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "az"
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


def test_signing_lands_on_the_sharing_page_the_campaign_page_links_to(client, campaign, bob_form):
    campaign_page = client.get(f"/c/{campaign.slug}/").content.decode()
    signed = client.post(f"/c/{campaign.slug}/", bob_form)

    assert signed.status_code == 302
    landing = signed["Location"]
    assert landing == f"/c/{campaign.slug}/share/"
    # Anyone may have opened it from the campaign page: in a history it proves nothing.
    assert f'href="/c/{campaign.slug}/share/"' in campaign_page
    assert ">Open the sharing page</a>" in campaign_page


def test_the_sharing_page_is_the_same_for_signers_and_visitors_and_its_title_says_share(campaign, bob_form):
    signer, visitor = Client(), Client()

    after_signing = signer.post(f"/en/c/{campaign.slug}/", bob_form, follow=True)
    visited = visitor.get(f"/en/c/{campaign.slug}/share/")

    assert after_signing.content == visited.content
    page = visited.content.decode()
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.startswith("Share · ")
    assert "sign" not in title.lower()
    assert "thank" not in title.lower()
    assert "Signed just now? We have your signature." in page


def test_the_embed_form_lands_on_a_page_its_own_link_opens_too(client, campaign):
    form = client.get(f"/c/{campaign.slug}/embed/?form=1").content.decode()

    assert f'href="/c/{campaign.slug}/embed/share/"' in form
    shared = client.get(f"/en/c/{campaign.slug}/embed/share/").content.decode()
    assert re.search(r"<title>Share · ", shared)
