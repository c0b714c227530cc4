"""The basic organiser interface: campaigns with inline letters and targets; read-only signatures."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from tests.factories import SignatureFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "root-password-123")
    verified_login(client, user)
    return client


def campaign_form(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "name": "New campaign",
        "slug": "new-campaign",
        "status": "draft",
        "default_language": "en",
        "allow_personal_message": "on",
        "signer_voice": "fixed",
        "delivery_mode": "single",
        "digest_period": "day",
        "target_routing": "every",
        "target_choice_limit": "3",
        "templates-TOTAL_FORMS": "1",
        "templates-INITIAL_FORMS": "0",
        "templates-0-language": "en",
        "templates-0-page_title": "Free them",
        "templates-0-story": "Story",
        "templates-0-letter_subject": "Free them",
        "templates-0-letter_body": "Dear {target_name}, {signer_nmae}",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "Office",
        "targets-0-email": "office@example.org",
        "targets-0-timezone": "Asia/Baku",
        "targets-0-hourly_cap": "60",
        "targets-0-is_active": "on",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "endorsers-TOTAL_FORMS": "0",
        "endorsers-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_campaign_admin_names_the_unknown_placeholder(admin_client_logged_in, organisation):
    response = admin_client_logged_in.post(reverse("admin:campaigns_campaign_add"), campaign_form(organisation))

    assert response.status_code == 200
    assert "Unknown placeholder(s): {signer_nmae}" in response.content.decode()
    assert not Campaign.objects.filter(slug="new-campaign").exists()


def test_campaign_admin_creates_campaign_with_letter_and_target(admin_client_logged_in, organisation):
    data = campaign_form(organisation, **{"templates-0-letter_body": "Dear {target_name},\n{signer_signoff}"})

    response = admin_client_logged_in.post(reverse("admin:campaigns_campaign_add"), data)

    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="new-campaign")
    assert campaign.templates.get().letter_body == "Dear {target_name},\r\n{signer_signoff}".replace("\r", "")
    assert campaign.targets.get().email == "office@example.org"


def test_signature_list_is_read_only_and_searchable(admin_client_logged_in, campaign, django_assert_max_num_queries):
    SignatureFactory.create_batch(20, campaign=campaign)
    url = reverse("admin:petitions_signature_changelist")

    with django_assert_max_num_queries(12):
        response = admin_client_logged_in.get(url, {"q": "Signer1"})

    assert response.status_code == 200
    assert "Add signature" not in response.content.decode()


def test_delivery_list_filters_by_status(admin_client_logged_in, campaign):
    response = admin_client_logged_in.get(reverse("admin:petitions_delivery_changelist"), {"status__exact": "failed"})

    assert response.status_code == 200


def test_test_letter_goes_to_the_organiser_exactly_as_the_target_would_get_it(admin_client_logged_in, campaign):
    from django.core import mail

    target = campaign.targets.get()
    page = admin_client_logged_in.get(reverse("admin:campaigns_campaign_overview", args=[campaign.pk]))
    url = reverse("admin:petitions_delivery_test_letter", args=[campaign.pk])

    response = admin_client_logged_in.post(url, {"target": target.pk, "to_email": "alice@union.example.org"})

    assert url in page.content.decode()
    assert response.status_code == 302
    [letter] = mail.outbox
    assert letter.to == ["alice@union.example.org"]
    assert letter.subject == "[Test] Release the jailed trade unionists"
    assert letter.from_email == "Jane Doe via Outcry <letters@outcry.example.org>"
    assert letter.body == (
        "Dear Presidential Administration,\n\nRelease the four trade unionists.\n\n"
        "Freedom of association is not a crime.\n\nYours,\nJane Doe\nUnite the Union, Leeds, United Kingdom\n"
    )
    assert target.email not in letter.message().as_string()


def test_the_overview_links_to_the_big_screen_display_once_published(admin_client_logged_in, campaign, settings):
    url = reverse("admin:campaigns_campaign_overview", args=[campaign.pk])
    published = admin_client_logged_in.get(url).content.decode()
    campaign.status = "draft"
    campaign.save()
    draft = admin_client_logged_in.get(url).content.decode()

    assert f'href="{settings.SITE_URL}/c/{campaign.slug}/display/"' in published
    assert "/display/" not in draft  # a draft has no display yet: the link would be a 404
