"""Signers in their own language: Azerbaijani from the browser's setting, Arabic right to left."""

import pytest

from petitions.models import Signature
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_signer_in_azerbaijani_signs_and_sees_the_counter_move(new_page, live_server, campaign, screenshot):
    page = new_page("az")
    page.goto(f"{live_server.url}/c/{campaign.slug}/")  # a shared link: the browser's language decides

    assert page.locator("html").get_attribute("lang") == "az"
    type_into(page.get_by_label("Ad", exact=False).first, "Əli")
    type_into(page.get_by_role("textbox", name="Soyad"), "Məmmədov")
    type_into(page.get_by_role("textbox", name="E-poçt"), "ali@example.net")
    choose(page.get_by_role("combobox", name="Ölkə"), "AZ")
    screenshot(page, "campaign-page-phone-az")
    tap(page.get_by_role("button", name="Məktubumu göndər"))

    page.wait_for_url(f"**/c/{campaign.slug}/share/")
    # "Thank you for standing with this campaign", in Azerbaijani
    assert page.locator("h1").inner_text() == "Bu kampaniyaya dəstək verdiyiniz üçün təşəkkür edirik"
    page.locator('[data-counter="total"]').filter(has_text="1").wait_for(timeout=10_000)
    screenshot(page, "thanks-page-phone-az")
    assert Signature.objects.get().language == "az"


def test_bad_input_shows_field_errors_in_azerbaijani_and_focuses_the_first(new_page, live_server, campaign):
    page = new_page("en")
    page.goto(f"{live_server.url}/az/c/{campaign.slug}/")  # chosen by address, whatever the browser says

    type_into(page.get_by_label("Ad", exact=False).first, "Əli")
    type_into(page.get_by_role("textbox", name="E-poçt"), "not-an-email")
    tap(page.get_by_role("button", name="Məktubumu göndər"))

    email = page.get_by_role("textbox", name="E-poçt")
    assert page.get_by_text("Düzgün e-poçt ünvanı daxil edin.").is_visible()
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.id") == "id_last_name"  # the first field to correct
    assert page.get_by_label("Ad", exact=False).first.input_value() == "Əli"
    assert Signature.objects.count() == 0


def test_switcher_changes_the_language_and_keeps_it(new_page, live_server, campaign):
    page = new_page("en")
    page.goto(f"{live_server.url}/c/{campaign.slug}/?ref=itf")

    tap(page.locator(".language-switch summary"))
    tap(page.get_by_role("link", name="Español"))

    page.wait_for_url(f"**/es/c/{campaign.slug}/?ref=itf")
    assert page.get_by_role("button", name="Enviar mi carta").is_visible()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    assert page.locator("html").get_attribute("lang") == "es"  # the choice is remembered


def test_arabic_page_reads_right_to_left_without_horizontal_scroll(new_page, live_server, campaign, screenshot):
    page = new_page("ar")
    page.goto(f"{live_server.url}/ar/c/{campaign.slug}/")
    screenshot(page, "campaign-page-phone-ar")

    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0


def test_keyboard_goes_through_the_form_in_reading_order(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/")

    focused = []
    for _ in range(40):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.name || document.activeElement.getAttribute('href')"))
        if focused[-1] == "" or phone.evaluate("document.activeElement.type") == "submit":
            break

    assert focused[0] == "#main"  # the skip link comes first
    form = [name for name in focused if name and name.isidentifier()]
    assert form == [
        "first_name",
        "last_name",
        "email",
        "country",
        "city",
        "organisation",
        "message",
        "consent_to_contact",
        "show_name_publicly",
        "show_full_name_in_handover",
        "wants_receipt",
    ]
    assert phone.evaluate("document.activeElement.type") == "submit"
