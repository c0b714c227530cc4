"""The campaign builder: the form in writing order, the overview it leads to (what is missing,
Publish, the link, a test letter), and the live preview of the letters as they are typed."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, MessageTemplate, TargetName
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:campaigns_campaign_add")
LIVE_PREVIEW = reverse("admin:petitions_delivery_live_preview")


def overview(campaign) -> str:
    return reverse("admin:campaigns_campaign_overview", args=[campaign.pk])


def new_campaign_form(organisation, **overrides) -> dict:
    """The add form as a first-time organiser sends it: a name, one language version, one target."""
    data = {
        "organisation": organisation.pk,
        "name": "Free the four",
        "slug": "free-the-four",
        "default_language": "en",
        "allow_personal_message": "on",
        "signer_voice": "fixed",
        "signers_at_risk": "on",
        "delivery_mode": "single",
        "digest_period": "day",
        "target_routing": "every",
        "target_choice_limit": "3",
        "abuse_honeypot": "on",
        "abuse_min_fill_seconds": "3",
        "abuse_block_disposable": "on",
        "templates-TOTAL_FORMS": "1",
        "templates-INITIAL_FORMS": "0",
        "templates-0-language": "en",
        "templates-0-page_title": "Free the four",
        "templates-0-story": "Four trade unionists are in jail.",
        "templates-0-letter_subject": "Release them",
        "templates-0-letter_body": "Dear {target_name},\n\nRelease them.\n\n{signer_signoff}",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "Presidential Administration",
        "targets-0-email": "office@president.example.org",
        "targets-0-timezone": "Asia/Baku",
        "targets-0-hourly_cap": "60",
        "targets-0-is_active": "on",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "endorsers-TOTAL_FORMS": "0",
        "endorsers-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_a_new_campaign_starts_with_a_language_version_in_the_admins_language_and_a_target(alice_client, alpha):
    page = alice_client.get(ADD, headers={"accept-language": "ru"}).content.decode()

    assert 'name="templates-TOTAL_FORMS" value="1"' in page
    assert 'name="targets-TOTAL_FORMS" value="1"' in page
    assert '<option value="ru" selected>' in page  # the main language and the first version's


def test_the_form_is_in_writing_order_with_the_settings_that_have_defaults_folded(alice_client, alpha):
    page = alice_client.get(ADD, headers={"accept-language": "en"}).content.decode()

    order = [page.index(text) for text in ('id="id_name"', "templates-group", "targets-group", "Dates and goal")]
    assert order == sorted(order)
    assert page.index("Dates and goal") < page.index("Advanced: sending") < page.index("partners-group")
    story = page[page.index('name="templates-0-story"') - 200 : page.index('name="templates-0-story"') + 200]
    assert 'dir="auto"' in story  # Azerbaijani typed into an Arabic admin runs left to right
    for folded in ("Advanced: sending", "Advanced: abuse defences", "Advanced: notices"):
        start = page.index(folded)
        assert "<details" in page[page.rindex("<fieldset", 0, start) : start]


def test_save_leads_to_the_overview_and_save_and_continue_stays(alice_client, alpha):
    response = alice_client.post(ADD, new_campaign_form(alpha.organisation))

    campaign = Campaign.objects.get(slug="free-the-four")
    assert response["Location"] == overview(campaign)
    assert campaign.status == CampaignStatus.DRAFT
    change = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    form = new_campaign_form(
        alpha.organisation,
        **{
            "templates-INITIAL_FORMS": "1",
            "templates-0-id": str(campaign.templates.get().pk),
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": str(campaign.targets.get().pk),
            "_continue": "Save and continue editing",
        },
    )
    assert alice_client.post(change, form)["Location"] == change


def test_the_status_cannot_be_typed_into_the_form(alice_client, alpha):
    campaign = Campaign.objects.create(organisation=alpha.organisation, name="Draft", slug="draft-one")

    response = alice_client.post(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        new_campaign_form(alpha.organisation, name="Draft", slug="draft-one", status="live"),
    )

    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_the_overview_says_what_is_missing_and_publish_waits_for_it(alice_client, alpha):
    campaign = Campaign.objects.create(organisation=alpha.organisation, name="Empty", slug="empty-one")

    page = alice_client.get(overview(campaign)).content.decode()
    refused = alice_client.post(overview(campaign), {"action": "publish"}, follow=True).content.decode()

    assert '<span class="visually-hidden">To do:</span> A page and letter in the main language, English.' in page
    assert "At least one active target to write to." in page
    assert 'value="publish" class="button default" disabled' in page
    assert "Empty stays a draft: A page and letter in the main language, English. At least one active" in refused
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_publish_from_the_list_refuses_a_campaign_that_is_not_ready(alice_client, alpha):
    empty = Campaign.objects.create(organisation=alpha.organisation, name="Empty", slug="empty-one")
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=CampaignStatus.DRAFT)

    page = alice_client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "publish", "_selected_action": [empty.pk, alpha.campaign.pk]},
        follow=True,
    ).content.decode()

    assert "Empty stays a draft" in page
    assert "1 campaign(s) now live." in page
    statuses = dict(Campaign.objects.values_list("slug", "status"))
    assert (statuses["empty-one"], statuses[alpha.campaign.slug]) == ("draft", "live")


def test_publish_then_close_for_good_from_the_overview(alice_client, alpha):
    alice_client.post(ADD, new_campaign_form(alpha.organisation))
    campaign = Campaign.objects.get(slug="free-the-four")

    published = alice_client.post(overview(campaign), {"action": "publish"}, follow=True).content.decode()
    asked = alice_client.post(overview(campaign), {"action": "close"}).content.decode()
    still_live = Campaign.objects.get(pk=campaign.pk).status
    alice_client.post(overview(campaign), {"action": "close", "_selected_action": [campaign.pk], "confirmed": "yes"})

    assert "1 campaign(s) now live." in published
    assert 'value="pause"' in published
    assert 'value="close"' in published
    assert "This cannot be undone." in asked
    assert "Free the four" in asked
    assert still_live == CampaignStatus.LIVE
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED


def test_the_overview_names_an_unknown_placeholder_and_a_language_without_a_version(alice_client, alpha):
    MessageTemplate.objects.filter(campaign=alpha.campaign).update(letter_body="Dear {target_nmae}")
    TargetFactory(campaign=alpha.campaign, language="az")
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=CampaignStatus.DRAFT)

    page = alice_client.get(overview(alpha.campaign)).content.decode()
    alice_client.post(overview(alpha.campaign), {"action": "publish"})

    assert "The English letter: Unknown placeholder(s): {target_nmae}." in page
    assert "No Azerbaijani version yet: targets who read Azerbaijani get the English letter." in page
    assert Campaign.objects.get(pk=alpha.campaign.pk).status == CampaignStatus.DRAFT


def test_the_overview_gives_the_link_the_share_text_the_embed_code_and_a_test_letter(alice_client, alpha, settings):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(share_text="Free the four!")

    page = alice_client.get(overview(alpha.campaign)).content.decode()
    test_letter = reverse("admin:petitions_delivery_test_letter", args=[alpha.campaign.pk])
    sent = alice_client.post(
        test_letter, {"target": alpha.target.pk, "to_email": "alice@union.example.org", "next": "overview"}
    )

    assert f'value="{settings.SITE_URL}/c/{alpha.campaign.slug}/"' in page
    assert f"Free the four! {settings.SITE_URL}/c/{alpha.campaign.slug}/</textarea>" in page
    assert 'id="embed-script"' in page
    assert f'action="{test_letter}"' in page
    assert 'value="alice@union.example.org"' in page
    assert sent["Location"] == overview(alpha.campaign)
    [letter] = mail.outbox
    assert letter.to == ["alice@union.example.org"]
    assert letter.subject.startswith("[Test] ")


def preview(client, state: dict):
    return client.post(LIVE_PREVIEW, json.dumps(state), content_type="application/json")


def test_the_live_preview_renders_the_unsaved_letter_for_each_target_in_its_language(alice_client, alpha):
    TargetName.objects.create(target=alpha.target, language="ru", name="Администрация Президента")
    state = {
        "campaign": alpha.campaign.pk,
        "default_language": "en",
        "templates": [
            {"language": "en", "page_title": "Free", "letter_subject": "Free", "letter_body": "Dear {target_name}"},
            {"language": "ru", "page_title": "Свобода", "letter_subject": "Свободу", "letter_body": "{target_name}!"},
        ],
        "targets": [
            {"id": str(alpha.target.pk), "name": "Alpha Minister", "language": "ru", "is_active": True},
            {"name": "New office", "title": "Ministry", "language": "", "is_active": True},
            {"name": "Consulate", "language": "tr", "is_active": False},
        ],
    }

    letters = preview(alice_client, state).json()["letters"]

    assert [(letter["target"], letter["language"], letter["text"]) for letter in letters] == [
        ("Alpha Minister", "ru", "Администрация Президента!\n"),
        ("New office, Ministry", "en", "Dear New office\n"),
        ("Consulate", "en", "Dear Consulate\n"),
    ]
    assert letters[0]["subject"] == "Свободу"
    assert letters[0]["language_name"] == "Russian"
    assert [letter["active"] for letter in letters] == [True, True, False]


def test_the_live_preview_shows_a_placeholder_error_and_a_digest(alice_client, alpha):
    typo = {"language": "en", "page_title": "T", "letter_subject": "S", "letter_body": "Dear {target_nam}"}
    digest = {"language": "en", "page_title": "T", "letter_subject": "S", "letter_body": "{signer_signoff}"}

    [error] = preview(alice_client, {"templates": [typo], "targets": []}).json()["letters"]
    [roll] = preview(alice_client, {"delivery_mode": "digest", "templates": [digest]}).json()["letters"]

    assert error["error"].startswith("Unknown placeholder(s): {target_nam}.")
    assert error["target"] == "[the target's name], [the target's title]"
    assert "Signed by 2 people" in roll["text"]
    assert "Jane Doe - Unite the Union, Leeds, United Kingdom" in roll["text"]


def test_the_live_preview_refuses_what_it_cannot_read(alice_client, alpha, client):
    assert alice_client.get(LIVE_PREVIEW).status_code == 405
    bad = alice_client.post(LIVE_PREVIEW, "not json", content_type="application/json")
    assert (bad.status_code, bad.json()) == (400, {"error": "The preview could not read the form."})
    huge = preview(alice_client, {"templates": [{"language": "en", "letter_body": "x" * 300_000}]})
    assert huge.status_code == 413
    client.logout()
    assert preview(client, {})["Location"].startswith(reverse("admin:login"))


def test_the_live_preview_never_reads_another_organisations_campaign(alice_client, alpha, bravo):
    TargetName.objects.create(target=bravo.target, language="en", name="Bravo secret name")
    state = {
        "campaign": bravo.campaign.pk,
        "templates": [{"language": "en", "letter_subject": "S", "letter_body": "{target_name}"}],
        "targets": [{"id": str(bravo.target.pk), "name": "x"}],
    }

    response = preview(alice_client, state)
    mixed = preview(alice_client, {**state, "campaign": alpha.campaign.pk}).json()

    assert response.status_code == 404
    assert "Bravo" not in response.content.decode()
    assert mixed["letters"][0]["text"] == "x\n"  # bravo's target id, in alpha's campaign: not its names


def test_a_viewer_of_another_organisation_cannot_open_the_overview(alice_client, alpha, bravo):
    other = CampaignFactory(organisation=bravo.organisation, status=CampaignStatus.DRAFT)

    assert alice_client.get(overview(other)).status_code == 404
    assert alice_client.post(overview(other), {"action": "publish"}).status_code == 404
    assert Campaign.objects.get(pk=other.pk).status == CampaignStatus.DRAFT
