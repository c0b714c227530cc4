"""An organiser at her laptop adds the signatures of a union meeting's sheets; a visitor on a phone
then sees them on the page apart from the online ones, and the logos of the endorsing organisations.
The figure line is looked at in Azerbaijani and in Arabic (right to left) at phone size too."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from campaigns.models import Endorser
from petitions.models import PaperBatch
from petitions.reporting.counters import add_to_counters
from tests.browser.conftest import ARTIFACTS, DESKTOP
from tests.browser.person import choose, tap, type_into
from tests.twofactor import current_code

pytestmark = pytest.mark.django_db(transaction=True)

# A 1x1 PNG: a logo the browser can decode.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201a2b5d1a40000000049454e44ae426082"
)


def sign_in(page, url: str, user) -> None:
    """Username, password and the code from her authenticator app, on one page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{url}/admin/")
    type_into(page.get_by_label("Username"), "alice")
    type_into(page.get_by_label("Password"), "alice-password-123")
    type_into(page.locator("[name=otp_token]"), current_code(device))
    tap(page.get_by_role("button", name="Log in"))
    page.wait_for_url(f"{url}/admin/")


def logos_loaded(page) -> None:
    section = page.locator(".endorsers")
    section.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.endorsers img')].every(i => i.complete && i.naturalWidth > 0)"
    )


def test_an_organiser_adds_a_paper_count_and_a_phone_visitor_sees_it_apart(
    new_page, phone, live_server, alice, campaign, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    add_to_counters(campaign_id=campaign.pk, signatures=1147)
    for position, name in enumerate(["Oil Workers' Union", "Baku Dockers"]):
        endorser = Endorser(campaign=campaign, name=name, position=position)
        endorser.logo.save(f"logo{position}.png", ContentFile(PNG), save=False)
        endorser.save()
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(b"%PDF-1.4 names of the dockers")

    desk = new_page("en", **DESKTOP)
    sign_in(desk, live_server.url, alice)
    tap(desk.get_by_role("link", name="Paper signatures").first)
    tap(desk.get_by_role("link", name=re.compile("Add paper count", re.IGNORECASE)))
    choose(desk.get_by_label("Campaign"), str(campaign.pk))
    type_into(desk.get_by_label("Signatures"), "80")
    type_into(desk.get_by_label("Where they were collected"), "Dockers' meeting in Baku, 12 March")
    type_into(desk.get_by_label("Collected on"), "2025-03-12")
    desk.get_by_label("Scan of the sheets").set_input_files(str(sheet))
    screenshot(desk, "paper-count-form-desktop")
    tap(desk.get_by_role("button", name="Save", exact=True))
    desk.get_by_text("was added successfully").wait_for()
    screenshot(desk, "paper-count-list-desktop")
    batch = PaperBatch.objects.get()
    assert (batch.signatures, batch.added_by, batch.source) == (80, alice, "Dockers' meeting in Baku, 12 March")
    assert Path(settings.PRIVATE_MEDIA_ROOT, batch.scan.name).is_file()

    phone.goto(f"{live_server.url}/c/{campaign.slug}/")
    line = phone.locator(".counter-channels")
    assert line.inner_text() == "1,147 online + 80 on paper"
    assert phone.locator('[data-counter="total"]').inner_text() == "1,227"
    logos_loaded(phone)
    assert [img.get_attribute("alt") for img in phone.locator(".endorsers img").all()] == [
        "Oil Workers' Union",
        "Baku Dockers",
    ]
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "paper-figures-phone-en")
    # The scan is nobody's to fetch but the organisers'.
    assert phone.request.get(f"{live_server.url}/media/{batch.scan.name}").status == 404
    assert phone.request.get(f"{live_server.url}{batch.scan.url}", max_redirects=0).status == 302


@pytest.mark.parametrize(("language", "direction"), [("az", "ltr"), ("ar", "rtl")])
def test_the_figure_line_reads_in_its_language_at_phone_size(new_page, live_server, campaign, language, direction):
    add_to_counters(campaign_id=campaign.pk, signatures=1147, paper=80)
    page = new_page(language)

    page.goto(f"{live_server.url}/{language}/c/{campaign.slug}/")

    assert page.locator("html").get_attribute("dir") == direction
    line = page.locator(".counter-channels")
    numbers = [bdi.inner_text() for bdi in line.locator("bdi").all()]
    assert [re.sub(r"\D", "", n) for n in numbers] == ["1147", "80"]
    # Each number is isolated, so a right-to-left line keeps "1147" whole, and reads from the right:
    # the online figure first.
    online, paper = (bdi.bounding_box() for bdi in line.locator("bdi").all())
    assert (online["x"] > paper["x"]) == (direction == "rtl")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".counters").screenshot(path=str(ARTIFACTS / f"paper-figures-phone-{language}.png"))
