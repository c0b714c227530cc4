"""Targets named per language: the Russian letter and page greet the Prosecutor General in Russian."""

import re

import pytest
from django.core.management import call_command

from campaigns.models import Campaign, Target, TargetName
from petitions.mail.letters import render_digest, render_letter
from petitions.management.commands.seed_demo import SLUG
from petitions.models import Delivery
from tests.factories import CampaignFactory, MessageTemplateFactory, SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db

LETTER = "{target_name}, {target_title}!\n\n{signer_signoff}"


@pytest.fixture
def prosecutor(db) -> Target:
    """A campaign in English and Russian; its target reads Azerbaijani and has a Russian name."""
    campaign = CampaignFactory(slug="prosecutor", default_language="en")
    MessageTemplateFactory(campaign=campaign, language="en", letter_body=f"Dear {LETTER}")
    MessageTemplateFactory(
        campaign=campaign, language="ru", page_title="Освободите четверых", letter_body=f"Уважаемый {LETTER}"
    )
    MessageTemplateFactory(campaign=campaign, language="az", page_title="Dördünü azad edin", letter_body=LETTER)
    target = TargetFactory(
        campaign=campaign, name="Kamran Aliyev", title="Prosecutor General (Republic)", language="az"
    )
    TargetName.objects.create(target=target, language="ru", name="Камран Алиев", title="Генеральный прокурор")
    TargetName.objects.create(target=target, language="az", name="Kamran Əliyev", title="Baş prokuror")
    return target


def to_list(page: str) -> list[str]:
    """The "To:" lines of the page's letter, as text."""
    block = page.split('<ul class="list-unstyled mb-0" data-targets>')[1].split("</ul>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in block.split("<li>")[1:]]


def test_russian_page_names_the_target_in_russian_and_says_the_letter_goes_in_azerbaijani(client, prosecutor):
    page = client.get("/ru/c/prosecutor/").content.decode()

    assert to_list(page) == ["Камран Алиев, Генеральный прокурор (язык письма: Азербайджанский)"]
    assert "Уважаемый Камран Алиев, Генеральный прокурор!" in page  # the letter as the page shows it


def test_page_in_the_targets_own_letter_language_adds_no_note(client, prosecutor):
    page = client.get("/az/c/prosecutor/").content.decode()

    assert to_list(page) == ["Kamran Əliyev, Baş prokuror"]


def test_page_in_a_language_without_a_name_uses_the_targets_own_without_nested_brackets(client, prosecutor):
    page = client.get("/en/c/prosecutor/").content.decode()

    assert to_list(page) == ["Kamran Aliyev, Prosecutor General (Republic) (language of the letter: Azerbaijani)"]
    assert "Dear Kamran Aliyev, Prosecutor General (Republic)!" in page


def test_thanks_page_lists_the_target_in_the_pages_language(client, prosecutor, bob_form):
    page = client.post("/ru/c/prosecutor/", bob_form, follow=True).content.decode()

    letters = page.split('id="letters-heading"')[1].split("</ul>")[0]
    assert "<li>" in letters
    assert "Камран Алиев, Генеральный прокурор" in letters
    assert "Азербайджанский" in letters


def test_letter_and_digest_greet_the_target_in_the_letters_language(prosecutor):
    prosecutor.language = "ru"
    prosecutor.save()
    signature = SignatureFactory(campaign=prosecutor.campaign, first_name="Bob", last_name="Builder")

    _, body = render_letter(Delivery(campaign=prosecutor.campaign, target=prosecutor, signature=signature))
    _, digest = render_digest(
        campaign=prosecutor.campaign, target=prosecutor, signatures=[signature], period_label="1 дек", part=(1, 1)
    )

    assert body.startswith("Уважаемый Камран Алиев, Генеральный прокурор!\n")
    assert digest.startswith("Уважаемый Камран Алиев, Генеральный прокурор!\n")


def test_letter_in_a_language_without_a_name_uses_the_targets_own(prosecutor):
    TargetName.objects.filter(target=prosecutor, language="az").delete()
    signature = SignatureFactory(campaign=prosecutor.campaign)

    _, body = render_letter(Delivery(campaign=prosecutor.campaign, target=prosecutor, signature=signature))

    assert body.startswith("Kamran Aliyev, Prosecutor General (Republic)!\n")


def test_demo_campaign_names_its_target_in_each_language(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the demo writes its admin password there
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process

    campaign = Campaign.objects.get(slug=SLUG)
    pages = {language: client.get(f"/{language}/c/{SLUG}/").content.decode() for language in ("en", "az", "ru")}

    assert to_list(pages["en"]) == ["Presidential Administration, Republic of Azerbaijan (demo address)"]
    assert to_list(pages["az"])[0].startswith("Prezident Administrasiyası, Azərbaycan Respublikası (demo ünvanı)")
    assert to_list(pages["ru"])[0].startswith("Администрация Президента, Азербайджанская Республика")
    assert "Hörmətli Prezident Administrasiyası," in pages["az"]
    assert set(campaign.targets.get().names.values_list("language", flat=True)) == {"az", "ru", "tr"}
