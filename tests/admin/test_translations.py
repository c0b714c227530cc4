"""Translation state per language: missing, outdated once the main language changed, up to date
again once the translation is saved; the translator sees the main text, and what it was, beside."""

import pytest
from django.urls import reverse

from campaigns import translations
from campaigns.models import MessageTemplate
from tests.admin.formdata import form_data
from tests.factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian(alpha):
    template = MessageTemplateFactory(
        campaign=alpha.campaign, language="ru", page_title="Свободу", letter_body="Освободите их.\n{signer_signoff}"
    )
    translations.record_translated(template)
    return template


def states(campaign) -> dict[str, str]:
    return {row.language: row.state for row in translations.campaign_states(campaign)}


def test_a_translation_is_outdated_once_the_main_text_changes_and_says_which_field(alpha, russian):
    assert states(alpha.campaign) == {
        "en": "main",
        "ru": "done",
        "ar": "missing",
        "az": "missing",
        "es": "missing",
        "tr": "missing",
    }

    MessageTemplate.objects.filter(pk=alpha.template.pk).update(story="Five trade unionists are in jail.")
    russian.refresh_from_db()
    main = MessageTemplate.objects.get(pk=alpha.template.pk)

    assert states(alpha.campaign)["ru"] == "outdated"
    assert translations.changed_fields(russian, main) == ["story"]


def test_the_translators_page_shows_the_main_text_and_what_changed_and_saving_brings_it_up_to_date(
    alice_client, alpha, russian
):
    old_story = alpha.template.story
    main = MessageTemplate.objects.get(pk=alpha.template.pk)
    main.story = "Five trade unionists are in jail."
    main.save()
    url = reverse("admin:campaigns_messagetemplate_change", args=[russian.pk])

    page = alice_client.get(url).content.decode()
    data = {
        "page_title": russian.page_title,
        "summary": russian.summary,
        "story": "Пять профсоюзных активистов в тюрьме.",
        "letter_subject": russian.letter_subject,
        "letter_body": russian.letter_body,
    }
    saved = alice_client.post(url, data)

    assert saved["Location"] == reverse("admin:campaigns_campaign_overview", args=[alpha.campaign.pk])
    assert "outdated: the main language changed since (story)" in page
    assert "Five trade unionists are in jail." in page
    assert f'Changed since this translation. It was:</span><div class="text">{old_story}' in page
    assert states(alpha.campaign)["ru"] == "done"


def test_the_overview_lists_every_language_with_its_state_and_a_link(alice_client, alpha, russian):
    MessageTemplate.objects.filter(pk=alpha.template.pk).update(letter_subject="Free them now")

    page = alice_client.get(reverse("admin:campaigns_campaign_overview", args=[alpha.campaign.pk])).content.decode()

    assert '<tr class="state-main"><th scope="row">English</th><td>main language</td>' in page
    assert '<tr class="state-outdated"><th scope="row">Russian</th>' in page
    assert reverse("admin:campaigns_messagetemplate_change", args=[russian.pk]) in page
    add = reverse("admin:campaigns_messagetemplate_add") + f"?campaign={alpha.campaign.pk}&amp;language=az"
    assert add in page


def test_saving_only_the_main_language_in_the_campaign_form_leaves_the_translation_outdated(
    alice_client, alpha, russian
):
    url = reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])
    # The page's own form as it stands, with one change to the English story.
    data = form_data(alice_client.get(url).content.decode())
    en = next(key for key, value in data.items() if key.endswith("-language") and value == "en").rsplit("-", 1)[0]
    data[f"{en}-story"] = "A new English story."

    response = alice_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert states(alpha.campaign)["ru"] == "outdated"

    data = form_data(alice_client.get(url).content.decode())
    ru = next(key for key, value in data.items() if key.endswith("-language") and value == "ru").rsplit("-", 1)[0]
    data[f"{ru}-story"] = "Новая история."
    alice_client.post(url, data)

    assert states(alpha.campaign)["ru"] == "done"


def test_a_translation_is_outdated_once_the_main_languages_variants_change(alpha, russian):
    MessageTemplate.objects.filter(pk=alpha.template.pk).update(subject_alternatives="Free the four now")
    russian.refresh_from_db()
    main = MessageTemplate.objects.get(pk=alpha.template.pk)

    assert translations.changed_fields(russian, main) == ["subject_alternatives"]
