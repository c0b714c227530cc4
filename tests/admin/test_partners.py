"""Coalition partners: their names on the public page, their share codes counted as sources."""

import pytest

from campaigns.models import Partner

pytestmark = pytest.mark.django_db


def test_campaign_page_names_the_partners_in_their_order(client, campaign):
    Partner.objects.create(campaign=campaign, name="Second Union", code="second", position=2)
    Partner.objects.create(
        campaign=campaign, name="First NGO", code="first", position=1, website="https://first.example.org"
    )

    page = client.get(f"/c/{campaign.slug}/").content.decode()

    assert page.index("First NGO") < page.index("Second Union")
    assert '<a href="https://first.example.org" rel="noopener noreferrer"' in page


def test_campaign_page_without_partners_has_no_partner_section(client, campaign):
    page = client.get(f"/c/{campaign.slug}/").content.decode()

    assert "With our partners" not in page


def test_signature_through_a_partner_link_carries_its_code(client, campaign, bob_form):
    Partner.objects.create(campaign=campaign, name="ITF", code="itf")

    client.post(f"/c/{campaign.slug}/?ref=itf", bob_form)

    assert campaign.signatures.get().source == "itf"
