"""Alice sets up a campaign in admin, previews its letter, publishes it, and sees a signature arrive
on the dashboard after bob signs on the public page."""

import re

import pytest
from django.core.cache import cache

from campaigns.models import Campaign
from petitions.models import Signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
    page = context.new_page()
    yield page
    context.close()


def test_organiser_creates_previews_publishes_and_sees_a_signature(
    desktop, phone, live_server, alice, organisation, screenshot
):
    admin = desktop
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Username").fill("alice")
    admin.get_by_label("Password").fill("alice-password-123")
    admin.get_by_role("button", name="Log in").click()

    admin.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
    admin.locator("#id_organisation").select_option(label=organisation.name)
    admin.locator("#id_name").fill("Free the dockers")
    admin.locator("#id_name").press("Tab")
    assert admin.locator("#id_slug").input_value() == "free-the-dockers"
    admin.locator("#id_goal").fill("100")
    admin.get_by_text("Add another Message template").click()
    admin.locator("#id_templates-0-language").select_option("en")
    admin.locator("#id_templates-0-page_title").fill("Free the dockers")
    admin.locator("#id_templates-0-story").fill("Five dockers are in jail for striking.")
    admin.locator("#id_templates-0-letter_subject").fill("Release the dockers, {target_title}")
    admin.locator("#id_templates-0-letter_body").fill("Dear {target_name},\n\nRelease them.\n\n{signer_signoff}")
    admin.get_by_text("Add another Target").click()
    admin.locator("#id_targets-0-name").fill("Port Authority")
    admin.locator("#id_targets-0-title").fill("Harbour Master")
    admin.locator("#id_targets-0-email").fill("master@port.example.org")
    admin.get_by_role("button", name="Save and continue editing").click()
    admin.get_by_text("was added successfully").wait_for()
    campaign = Campaign.objects.get(slug="free-the-dockers")
    assert campaign.status == "draft"

    admin.get_by_role("link", name="Preview the letters").click()
    assert admin.locator('[data-part="subject"]').inner_text() == "Release the dockers, Harbour Master"
    assert "Dear Port Authority," in admin.locator('[data-part="text"]').inner_text()
    screenshot(admin, "admin-letter-preview")

    admin.goto(f"{live_server.url}/admin/campaigns/campaign/")
    admin.locator(f'input[name="_selected_action"][value="{campaign.pk}"]').check()
    admin.locator('select[name="action"]').select_option("publish")
    admin.locator('button[name="index"]').click()
    admin.get_by_text("1 campaign(s) now live.").wait_for()

    phone.goto(f"{live_server.url}/c/free-the-dockers/")
    phone.get_by_label("First name", exact=False).first.fill("Bob")
    phone.get_by_label("Last name", exact=False).first.fill("Builder")
    phone.get_by_role("textbox", name="Email").fill("bob@example.net")
    phone.get_by_role("combobox", name="Country").select_option("FR")
    phone.wait_for_timeout(3100)  # a new campaign holds signatures sent faster than 3 seconds
    phone.get_by_role("button", name="Send my letter").click()
    phone.wait_for_url("**/c/free-the-dockers/thanks/")
    assert Signature.objects.filter(campaign=campaign, status="confirmed").count() == 1

    cache.clear()  # the live server shares this process's cache: skip the dashboard's 30-second cache
    admin.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    admin.get_by_role("link", name="Dashboard").click()
    assert admin.locator('[data-figure="signatures"]').inner_text() == "1"
    assert re.search(r"France\s+1", admin.locator("#by-country + table").inner_text())
    assert admin.locator("svg.bar-chart").count() == 2
    screenshot(admin, "admin-dashboard")
