"""An organiser at her laptop asks for a delivery dossier, watches its progress bar fill while the
real worker builds it, and downloads the PDF and the CSV it made."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from campaigns.models import MessageTemplate
from petitions.models import Dossier
from tests.browser import conftest as browser_fixtures
from tests.browser.person import choose, tap
from tests.browser.test_paper_in_browser import sign_in
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium, from the browser tests' own fixtures (the session's Playwright is in tests/conftest.py),
# beside the integration tests' worker and web server.
browser = browser_fixtures.browser
new_page, screenshot = browser_fixtures.new_page, browser_fixtures.screenshot
DESKTOP = browser_fixtures.DESKTOP


def test_an_organiser_prepares_a_dossier_and_downloads_it_once_the_worker_is_done(
    new_page,
    web_server,
    celery_worker,
    alice,
    organisation,
    screenshot,
):
    from tests.factories import live_campaign

    campaign = live_campaign(organisation=organisation, goal=100)
    MessageTemplate.objects.create(
        campaign=campaign,
        language="az",
        page_title="Dördlüyü azad edin",
        story="Dörd həmkarlar ittifaqı fəalı həbsdədir.",
        letter_subject="Həmkarları azad edin",
        letter_body="Hörmətli {target_name},\n\n{signer_signoff}",
    )
    SignatureFactory(
        campaign=campaign, first_name="Aysel", last_name="Məmmədova", country="AZ", show_name_publicly=True
    )
    SignatureFactory(campaign=campaign, first_name="Hidden", country="TR")
    base = web_server.base_url
    page = new_page("en", **DESKTOP)
    sign_in(page, base, alice)

    page.goto(f"{base}/admin/campaigns/campaign/{campaign.pk}/change/")
    tap(page.get_by_role("link", name="Prepare a delivery dossier"))
    choose(page.get_by_label("Language"), "az")
    tap(page.get_by_label("List each letter's message id"))
    screenshot(page, "dossier-prepare-desktop")
    tap(page.get_by_role("button", name="Prepare the dossier"))

    page.get_by_text("The dossier is ready.").wait_for(timeout=60_000)  # the page reloads itself
    screenshot(page, "dossier-ready-desktop")
    dossier = Dossier.objects.get()
    assert (dossier.state, dossier.language, dossier.include_message_ids) == ("ready", "az", True)

    with page.expect_download() as download:
        tap(page.get_by_role("link", name="Download the PDF"), downloads=True)
    pdf = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Dördlüyü azad edin" in text
    assert "Aysel · Azərbaycan" in text
    assert "Məmmədova" not in text
    assert "Hidden" not in text

    with page.expect_download() as download:
        tap(page.get_by_role("link", name="Download the CSV"), downloads=True)
    table = Path(download.value.path()).read_bytes().decode()
    assert table.startswith("\ufeff")
    assert "Aysel,Azərbaycan" in table
