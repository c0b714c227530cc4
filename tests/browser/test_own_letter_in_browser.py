"""A signer writes the letter in their own words: on a phone in Azerbaijani, on a laptop in English."""

import re

import pytest
from django.core import mail

from campaigns.enums import SignerVoice
from campaigns.models import MessageTemplate
from petitions.delivery.sending import send_delivery
from petitions.mail.letters import signer_values
from petitions.models import Delivery, Signature
from tests.browser.a11y import audit
from tests.browser.conftest import DESKTOP
from tests.browser.person import assert_on_top, bring_into_view, choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)

AZ_BODY = "Hörmətli {target_name},\n\nDörd həmkarlar ittifaqı üzvünü azad edin.\n\nHörmətlə,\n{signer_signoff}"


@pytest.fixture
def editable(campaign):
    campaign.signer_voice = SignerVoice.EDIT
    campaign.save()
    MessageTemplate.objects.create(
        campaign=campaign,
        language="az",
        page_title="Dördlüyü azad edin",
        story="Dörd həmkarlar ittifaqı üzvü həbsdədir.",
        letter_subject="Həmkarlar ittifaqı üzvlərini azad edin",
        letter_body=AZ_BODY,
    )
    return campaign


def _send_the_letter() -> None:
    for delivery in Delivery.objects.all():
        send_delivery(delivery_id=delivery.pk)


def test_a_signer_on_a_phone_edits_the_letter_in_azerbaijani(new_page, live_server, editable, screenshot):
    page = new_page("az")
    page.goto(f"{live_server.url}/az/c/{editable.slug}/")
    subject, body = page.locator('[name="own_subject"]'), page.locator('[name="own_body"]')
    assert subject.input_value() == "Həmkarlar ittifaqı üzvlərini azad edin"
    assert body.input_value() == AZ_BODY

    type_into(page.get_by_label("Ad", exact=False).first, "Aynur")
    type_into(page.get_by_role("textbox", name="Soyad"), "Həsənova")
    type_into(page.get_by_role("textbox", name="E-poçt"), "aynur@example.net")
    choose(page.get_by_role("combobox", name="Ölkə"), "AZ")
    type_into(subject, "Bir tibb bacısından: dördlüyü azad edin")
    own = (
        "Hörmətli {target_name},\n\nMən Gəncədə tibb bacısıyam. Qardaşım o dördlükdədir; onu evinə buraxın."
        "\n\n{signer_signoff}"
    )
    type_into(body, own)
    bring_into_view(body)
    assert_on_top(body)
    screenshot(page, "own-letter-editor-phone-az")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    tap(page.get_by_role("button", name="Məktubumu göndər"))

    page.wait_for_url(f"**/c/{editable.slug}/share/")
    signature = Signature.objects.get()
    assert (signature.own_subject, signature.own_body, signature.language) == (
        "Bir tibb bacısından: dördlüyü azad edin",
        own,
        "az",
    )
    _send_the_letter()
    [letter] = mail.outbox
    assert letter.subject == "Bir tibb bacısından: dördlüyü azad edin"
    country = signer_values(signature, "az")["signer_country"]
    assert letter.body == (
        "Hörmətli Presidential Administration,\n\nMən Gəncədə tibb bacısıyam. Qardaşım o dördlükdədir; "
        f"onu evinə buraxın.\n\nAynur Həsənova\n{country}\n"
    )
    assert Delivery.objects.get().body == letter.body


def test_a_signer_on_a_laptop_edits_the_letter_in_english_and_is_told_what_to_keep(
    new_page, live_server, editable, screenshot
):
    page = new_page("en", **DESKTOP)
    page.goto(f"{live_server.url}/en/c/{editable.slug}/")

    type_into(page.get_by_label("First name", exact=False).first, "Bob")
    type_into(page.get_by_label("Last name", exact=False).first, "Builder")
    type_into(page.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(page.get_by_role("combobox", name="Country"), "GB")
    type_into(
        page.get_by_role("textbox", name=re.compile(r"^Subject of your letter")), "A docker asks you to free the four"
    )
    type_into(
        page.get_by_role("textbox", name=re.compile(r"^Your letter")),
        "Dear {target_name},\n\nI load ships in Hull. Free them.\n\nBob",
    )
    tap(page.get_by_role("button", name="Send my letter"))

    assert page.get_by_text("Please keep {signer_signoff} in your letter").is_visible()
    assert page.get_by_role("textbox", name=re.compile(r"^Your letter")).input_value().endswith("Free them.\n\nBob")
    screenshot(page, "own-letter-editor-error-desktop")
    assert not Signature.objects.exists()

    own = "Dear {target_name},\n\nI load ships in Hull. Free them.\n\n{signer_signoff}"
    type_into(page.get_by_role("textbox", name=re.compile(r"^Your letter")), own)
    tap(page.get_by_role("button", name="Send my letter"))

    page.wait_for_url(f"**/c/{editable.slug}/share/")
    assert Signature.objects.get().own_body == own
    _send_the_letter()
    [letter] = mail.outbox
    assert letter.subject == "A docker asks you to free the four"
    assert letter.body == (
        "Dear Presidential Administration,\n\nI load ships in Hull. Free them.\n\nBob Builder\nUnited Kingdom\n"
    )


@pytest.mark.parametrize("voice", [SignerVoice.EDIT, SignerVoice.PARAGRAPH])
def test_the_editor_has_no_serious_accessibility_violations(phone, live_server, campaign, voice):
    campaign.signer_voice = voice
    campaign.save()
    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/")
    assert audit(phone, f"own-words-{voice}") == []

    tap(phone.get_by_role("button", name="Send my letter"))
    phone.wait_for_load_state()
    assert audit(phone, f"own-words-{voice}-errors") == []


def test_an_english_letter_edited_on_an_arabic_page_runs_left_to_right(new_page, live_server, editable, screenshot):
    """The campaign has no Arabic letter: the editor holds the English one, on a right-to-left page."""
    page = new_page("ar")
    page.goto(f"{live_server.url}/ar/c/{editable.slug}/")
    body = page.locator('[name="own_body"]')
    bring_into_view(body)

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert body.input_value().startswith("Dear ")
    assert body.evaluate("element => getComputedStyle(element).direction") == "ltr"
    assert page.locator('[name="own_subject"]').evaluate("element => getComputedStyle(element).direction") == "ltr"
    screenshot(page, "own-letter-editor-phone-ar")
