"""The big-screen display as a square sees it: on a projector (1920 x 1080) and on a phone held up
(390 x 844), in English, Azerbaijani and Arabic. The count rises while it is open; a cut connection
keeps the last figures, says it is reconnecting, and the display recovers by itself."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from petitions.reporting.counters import add_to_counters
from tests.browser.a11y import audit
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import MessageTemplateFactory, SignatureFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/display-shots")
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "is_mobile": False, "has_touch": False}
SIZES = {"1920x1080": PROJECTOR, "390x844": PHONE}
TITLES = {
    "az": "Workers' Table-ın dörd üzvünü azad edin",
    "ar": "أطلقوا سراح النقابيين الأربعة من طاولة العمال",
}
PUBLIC_SIGNERS = [
    ("Aysel", "AZ"),
    ("Rashad", "AZ"),
    ("Maria", "ES"),
    ("Tom", "GB"),
    ("Leyla", "TR"),
    ("Omar", "EG"),
    ("Nino", "GE"),
    ("Ana", "PT"),
]


@pytest.fixture
def rally(campaign):
    """A campaign in the middle of a demonstration: public signers from several countries, more
    signatures counted than shown, and its page in three languages."""
    for language, title in TITLES.items():
        MessageTemplateFactory(campaign=campaign, language=language, page_title=title)
    for first_name, country in PUBLIC_SIGNERS:
        SignatureFactory(campaign=campaign, first_name=first_name, country=country, show_name_publicly=True)
    SignatureFactory.create_batch(6, campaign=campaign, country="AZ")
    campaign.goal = 2000
    campaign.save()
    add_to_counters(campaign_id=campaign.pk, signatures=1234, emails_sent=1180)
    return campaign


def someone_signs(campaign, first_name: str) -> None:
    SignatureFactory(campaign=campaign, first_name=first_name, country="AZ", show_name_publicly=True)
    add_to_counters(campaign_id=campaign.pk, signatures=1, emails_sent=1)
    cache.clear()  # the cached figures would show it within seconds; the test need not wait for them


def looks_fine(page) -> None:
    """Nothing runs off the side, and the count is on screen without scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator('[data-figure="total"]').bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "az", "ar"])
def test_the_display_reads_from_afar_in_each_language(new_page, live_server, rally, language, size):
    page = new_page(language, **SIZES[size])
    page.goto(f"{live_server.url}/{language}/c/{rally.slug}/display/")

    total = page.locator('[data-figure="total"]')
    assert "".join(filter(str.isdigit, total.inner_text())) == "1234"
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator(".qr-box svg").is_visible()
    assert page.get_by_text("Aysel").is_visible()
    looks_fine(page)
    if size == "1920x1080":
        # One screen on a projector: the QR code and the names too, nothing below the fold.
        assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
        assert page.locator(".qr-box").bounding_box()["height"] >= 350
        assert total.bounding_box()["height"] >= 200
    else:
        assert total.bounding_box()["height"] >= 80
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"display-{language}-{size}.png"))
    page.screenshot(path=str(SHOTS / f"display-{language}-{size}-full.png"), full_page=True)
    assert audit(page, f"display-{language}-{size}", directory=SHOTS) == []


def figure(number: str) -> re.Pattern:
    """1,235 as each language writes it: "1,235", "1 235" (with a no-break space), "1235"."""
    return re.compile(rf"^{number[0]}\D?{number[1:]}$")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "az", "ar"])
def test_the_count_rises_when_someone_signs(new_page, live_server, rally, language, size):
    page = new_page(language, **SIZES[size])
    page.goto(f"{live_server.url}/{language}/c/{rally.slug}/display/")
    total = page.locator('[data-figure="total"]')
    expect(total).to_have_text(figure("1234"))

    someone_signs(rally, "Zaur")

    expect(total).to_have_text(figure("1235"), timeout=15_000)
    expect(page.locator('[data-list="recent"] li').first).to_contain_text("Zaur", timeout=5_000)
    expect(page.locator('[data-figure="emails_sent"]')).to_have_text(figure("1181"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "az", "ar"])
def test_a_cut_connection_keeps_the_figures_and_recovers(new_page, live_server, rally, language, size):
    page = new_page(language, **SIZES[size])
    page.goto(f"{live_server.url}/{language}/c/{rally.slug}/display/")
    total = page.locator('[data-figure="total"]')
    offline = page.locator("[data-offline]")
    assert offline.is_hidden()

    page.route("**/display.json", lambda route: route.abort("internetdisconnected"))
    offline.wait_for(state="visible", timeout=15_000)

    expect(total).to_have_text(figure("1234"))
    assert page.get_by_text("Aysel").is_visible()
    page.screenshot(path=str(SHOTS / f"display-{language}-{size}-reconnecting.png"))

    someone_signs(rally, "Zaur")
    page.unroute("**/display.json")
    offline.wait_for(state="hidden", timeout=20_000)
    expect(page.locator('[data-list="recent"] li').first).to_contain_text("Zaur", timeout=5_000)
    expect(total).to_have_text(figure("1235"), timeout=5_000)  # counted up from where it stood


def test_a_request_left_hanging_counts_as_a_cut(new_page, live_server, rally):
    """A flaky network often neither answers nor fails: the display does not wait for it for ever."""
    page = new_page("en", **PROJECTOR)
    page.goto(f"{live_server.url}/en/c/{rally.slug}/display/")
    hanging = []

    def hold(route):
        hanging.append(route)  # never answered, never refused

    page.route("**/display.json", hold)

    page.locator("[data-offline]").wait_for(state="visible", timeout=25_000)

    assert hanging
    expect(page.locator('[data-figure="total"]')).to_have_text("1,234")
    page.unroute("**/display.json", hold)
    page.locator("[data-offline]").wait_for(state="hidden", timeout=20_000)


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "az", "ar"])
def test_the_campaign_page_charts_signatures_by_country(new_page, live_server, rally, language, size):
    page = new_page(language, **(DESKTOP if size == "desktop" else PHONE))
    page.goto(f"{live_server.url}/{language}/c/{rally.slug}/")

    section = page.get_by_test_id("countries")
    section.scroll_into_view_if_needed()
    chart = section.locator("svg.country-chart")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] >= 300
    # The bars mirror with the text: the longest bar starts next to the names, on their side.
    bar = chart.locator("rect").first.bounding_box()
    box = chart.bounding_box()
    if language == "ar":
        assert bar["x"] + bar["width"] < box["x"] + box["width"] * 0.7
    else:
        assert bar["x"] > box["x"] + box["width"] * 0.3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    section.screenshot(path=str(SHOTS / f"countries-{language}-{size}.png"))
    assert audit(page, f"countries-{language}-{size}", directory=SHOTS) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_million_still_fits_the_screen(new_page, live_server, rally, size):
    add_to_counters(campaign_id=rally.pk, signatures=1_233_333)
    page = new_page("az", **SIZES[size])
    page.goto(f"{live_server.url}/az/c/{rally.slug}/display/")

    expect(page.locator('[data-figure="total"]')).to_have_attribute("data-size", "long")
    looks_fine(page)
    # The digits themselves, not their block: within the count's own column.
    left, right, column = page.locator('[data-figure="total"]').evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); const b = r.getBoundingClientRect();"
        " const c = el.parentElement.getBoundingClientRect(); return [b.left - c.left, b.right - c.left, c.width]; }"
    )
    assert 0 <= left < right <= column
    page.screenshot(path=str(SHOTS / f"display-az-{size}-million.png"))
