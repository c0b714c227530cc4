"""Alice sets up a campaign in admin, previews its letter, publishes it, and sees a signature arrive
on the dashboard after bob signs on the public page."""

import re
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP

from campaigns.models import Campaign
from petitions.models import Signature
from petitions.signing import confirmations
from tests.browser.conftest import DESKTOP
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desktop(browser):
    """An organiser at a laptop: a wide window, a mouse, no touch screen."""
    context = browser.new_context(locale="en", **DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def test_organiser_creates_previews_publishes_and_sees_a_signature(
    desktop, phone, live_server, alice, organisation, screenshot
):
    admin = desktop
    admin.goto(f"{live_server.url}/admin/")
    type_into(admin.get_by_label("Username"), "alice")
    type_into(admin.get_by_label("Password"), "alice-password-123")
    tap(admin.get_by_role("button", name="Log in"))
    # Her first sign-in: she sees signers' data, so she sets up an authenticator app, reading the key
    # off the page as she would type it into the app, and is shown her recovery codes.
    admin.wait_for_url("**/admin/two-factor/")
    key = b32decode(admin.locator("#two-factor-key").inner_text().replace(" ", ""))
    type_into(admin.get_by_label("Code from the app"), f"{TOTP(key).token():06d}")
    tap(admin.get_by_role("button", name="Confirm"))
    assert admin.locator("#recovery-codes li").count() == 10
    tap(admin.get_by_role("link", name="Continue"))
    admin.wait_for_url(f"{live_server.url}/admin/")

    admin.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
    choose(admin.locator("#id_organisation"), label=organisation.name)
    type_into(admin.locator("#id_name"), "Free the dockers")
    admin.locator("#id_name").press("Tab")
    assert admin.locator("#id_slug").input_value() == "free-the-dockers"
    type_into(admin.locator("#id_goal"), "100")
    tap(admin.get_by_text("Add another Language version"))
    choose(admin.locator("#id_templates-0-language"), "en")
    type_into(admin.locator("#id_templates-0-page_title"), "Free the dockers")
    type_into(admin.locator("#id_templates-0-story"), "Five dockers are in jail for striking.")
    type_into(admin.locator("#id_templates-0-letter_subject"), "Release the dockers, {target_title}")
    type_into(admin.locator("#id_templates-0-letter_body"), "Dear {target_name},\n\nRelease them.\n\n{signer_signoff}")
    tap(admin.get_by_text("Add another Target"))
    type_into(admin.locator("#id_targets-0-name"), "Port Authority")
    type_into(admin.locator("#id_targets-0-title"), "Harbour Master")
    type_into(admin.locator("#id_targets-0-email"), "master@port.example.org")
    tap(admin.get_by_role("button", name="Save and continue editing"))
    admin.get_by_text("was added successfully").wait_for()
    campaign = Campaign.objects.get(slug="free-the-dockers")
    assert campaign.status == "draft"

    tap(admin.get_by_role("link", name="Preview the letters"))
    assert admin.locator('[data-part="subject"]').inner_text() == "Release the dockers, Harbour Master"
    assert "Dear Port Authority," in admin.locator('[data-part="text"]').inner_text()
    screenshot(admin, "admin-letter-preview")

    admin.goto(f"{live_server.url}/admin/campaigns/campaign/")
    selected = admin.locator(f'input[name="_selected_action"][value="{campaign.pk}"]')
    tap(selected)
    assert selected.is_checked()
    choose(admin.locator('select[name="action"]'), "publish")
    tap(admin.locator('button[name="index"]'))
    admin.get_by_text("1 campaign(s) now live.").wait_for()

    phone.goto(f"{live_server.url}/c/free-the-dockers/")
    type_into(phone.get_by_label("First name", exact=False).first, "Bob")
    type_into(phone.get_by_label("Last name", exact=False).first, "Builder")
    type_into(phone.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(phone.get_by_role("combobox", name="Country"), "FR")
    phone.wait_for_timeout(3100)  # a new campaign holds signatures sent faster than 3 seconds
    tap(phone.get_by_role("button", name="Send my letter"))
    phone.wait_for_url("**/c/free-the-dockers/share/")
    # A new campaign's signers may be at risk: the signature counts once bob confirms it through
    # the link his confirmation email carries.
    signature = Signature.objects.get(campaign=campaign)
    assert signature.status == "pending"
    phone.goto(live_server.url + urlsplit(confirmations.confirmation_url(signature)).path)
    tap(phone.get_by_role("button", name="Confirm my signature"))
    phone.get_by_role("heading", name=re.compile("confirmed")).wait_for()
    assert Signature.objects.filter(campaign=campaign, status="confirmed").count() == 1

    cache.clear()  # the live server shares this process's cache: skip the dashboard's 30-second cache
    admin.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    tap(admin.get_by_role("link", name="Dashboard"))
    assert admin.locator('[data-figure="signatures"]').inner_text() == "1"
    assert re.search(r"France\s+1", admin.locator("#by-country + table").inner_text())
    assert admin.locator("svg.bar-chart").count() == 2
    assert admin.get_by_role("heading", name="Sending now").is_visible()
    assert admin.locator('[data-queue="oldest"]').inner_text() != "none waiting"  # bob's letter waits
    screenshot(admin, "admin-dashboard")
