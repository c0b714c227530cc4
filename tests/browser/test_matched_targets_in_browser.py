"""Whom a signer writes to, as a person finds out on a phone and a laptop: choosing their country
names the targets their letter goes to (the default ones for a country no target is for), and where
signers choose, they tick boxes. The letters stored are to exactly those targets."""

import pytest

from campaigns.enums import TargetRouting
from petitions.models import Delivery
from tests.browser.a11y import audit
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import choose, tap, type_into
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = {"en": "Your letter goes to:", "az": "Məktubunuz bu ünvançılara gedir:", "ar": "تُرسل رسالتك إلى:"}


@pytest.fixture
def by_country(campaign):
    campaign.target_routing = TargetRouting.COUNTRY
    campaign.save()
    campaign.targets.all().delete()
    for code in ("TR", "DE", "GB"):
        for office in ("Embassy", "Consulate"):
            TargetFactory(
                campaign=campaign,
                name=f"{office} in {code}",
                title="",
                email=f"{office.lower()}-{code.lower()}@mfa.example.az",
                countries=[code],
                is_default=code == "GB",
            )
    return campaign


def fill_in(page, live_server, campaign, language: str, country: str) -> None:
    page.goto(f"{live_server.url}/{language}/c/{campaign.slug}/")
    type_into(page.locator('input[name="first_name"]'), "Leyla")
    type_into(page.locator('input[name="last_name"]'), "Həsənova")
    type_into(page.locator('input[name="email"]'), f"leyla-{language}@example.net")
    choose(page.locator('select[name="country"]'), country)


@pytest.mark.parametrize(("language", "device"), [("az", "phone"), ("ar", "phone"), ("en", "desktop")])
def test_choosing_a_country_names_the_targets_and_the_letters_go_to_them(
    new_page, live_server, by_country, language, device, screenshot
):
    page = new_page(language, **(PHONE if device == "phone" else DESKTOP))
    fill_in(page, live_server, by_country, language, "JP")
    note = page.locator("[data-route-note]")
    assert note.is_visible()
    assert note.inner_text().split("\n")[0].startswith(NOTE[language])
    assert "Embassy in GB" in note.inner_text()
    assert "TR" not in note.inner_text()

    choose(page.locator('select[name="country"]'), "TR")
    assert "Embassy in TR" in note.inner_text()
    assert "Consulate in TR" in note.inner_text()
    assert "GB" not in note.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    note.scroll_into_view_if_needed()
    screenshot(page, f"matched-targets-{device}-{language}")
    assert audit(page, f"matched-targets-{device}-{language}") == []

    tap(page.locator("form button[type=submit]"))
    page.wait_for_url(f"**/c/{by_country.slug}/share/")

    assert set(Delivery.objects.values_list("target__email", flat=True)) == {
        "embassy-tr@mfa.example.az",
        "consulate-tr@mfa.example.az",
    }


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_signer_ticks_whom_to_write_to(new_page, live_server, by_country, device, screenshot):
    by_country.target_routing, by_country.target_choice_limit = TargetRouting.CHOICE, 2
    by_country.save()
    page = new_page("en", **(PHONE if device == "phone" else DESKTOP))
    fill_in(page, live_server, by_country, "en", "AZ")
    assert not page.locator("[data-route-note]").count()

    tap(page.get_by_label("Consulate in DE"))
    tap(page.get_by_label("Embassy in TR"))
    screenshot(page, f"chosen-targets-{device}")
    tap(page.locator("form button[type=submit]"))
    page.wait_for_url(f"**/c/{by_country.slug}/share/")

    assert set(Delivery.objects.values_list("target__email", flat=True)) == {
        "consulate-de@mfa.example.az",
        "embassy-tr@mfa.example.az",
    }


@pytest.mark.parametrize(("language", "device"), [("az", "phone"), ("en", "desktop")])
def test_typing_a_postcode_names_the_target_and_the_letter_goes_to_it(
    new_page, live_server, by_country, language, device, screenshot
):
    by_country.target_routing = TargetRouting.POSTCODE
    by_country.save()
    by_country.targets.filter(email="embassy-de@mfa.example.az").update(postcodes="10 11 12", is_default=False)
    by_country.targets.filter(email="consulate-de@mfa.example.az").update(postcodes="101", is_default=False)
    page = new_page(language, **(PHONE if device == "phone" else DESKTOP))
    fill_in(page, live_server, by_country, language, "DE")
    note = page.locator("[data-route-note]")

    type_into(page.locator('input[name="postcode"]'), "80331")  # Munich: nobody's
    assert "Embassy in GB" in note.inner_text()
    type_into(page.locator('input[name="postcode"]'), "12043")
    assert note.inner_text().startswith(NOTE[language])
    assert "Embassy in DE" in note.inner_text()
    type_into(page.locator('input[name="postcode"]'), "10117")
    assert "Consulate in DE" in note.inner_text()
    assert "Embassy in DE" not in note.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"postcode-targets-{device}-{language}")
    assert audit(page, f"postcode-targets-{device}-{language}") == []

    tap(page.locator("form button[type=submit]"))
    page.wait_for_url(f"**/c/{by_country.slug}/share/")

    assert set(Delivery.objects.values_list("target__email", flat=True)) == {"consulate-de@mfa.example.az"}
