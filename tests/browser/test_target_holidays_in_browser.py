"""Alice sets a target's days off, at a phone and at a laptop: she chooses its country, adds two dates
with the button, removes one, saves, and sees her date and the public holidays that will be
skipped. Then the same in a target she adds to the campaign with "Add another Target"."""

import pytest
from django.utils.formats import date_format
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.models import Target
from tests.admin.test_target_holidays_admin import next_novruz
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import choose, tap, type_into
from tests.twofactor import current_code

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": PHONE, "desktop": DESKTOP}


def watch_for_problems(page) -> list[str]:
    """Script errors, refusals by the page's security policy and failed requests, as they happen
    (not the browser's own favicon.ico, which the admin does not have)."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.fixture(params=list(SIZES))
def organiser(request, browser, live_server, alice):
    """Alice signed in to the admin, at the size of the test (with the page's own security policy)."""
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)  # her authenticator app
    context = browser.new_context(locale="en", **SIZES[request.param])
    page = context.new_page()
    page.problems = watch_for_problems(page)
    page.goto(f"{live_server.url}/admin/")
    type_into(page.get_by_label("Username"), "alice")
    type_into(page.get_by_label("Password"), "alice-password-123")
    type_into(page.get_by_label("One-time code"), current_code(device))
    tap(page.get_by_role("button", name="Log in"))
    page.wait_for_url(f"{live_server.url}/admin/")
    page.size = request.param
    yield page
    context.close()


def shown_dates(dates):
    """The date fields a person sees in the list (not the hidden one "Add a date" copies)."""
    return dates.get_by_label("Date", exact=True).filter(visible=True)


def add_dates_and_remove_the_first(dates) -> None:
    """Two dates through the button; then the first one removed again."""
    add = dates.get_by_role("button", name="Add a date")
    for value in ("2027-04-23", "2027-01-05"):
        tap(add)
        type_into(shown_dates(dates).last, value)
    assert [field.input_value() for field in shown_dates(dates).all()] == ["2027-04-23", "2027-01-05"]
    tap(dates.get_by_role("button", name="Remove").filter(visible=True).first)
    assert [field.input_value() for field in shown_dates(dates).all()] == ["2027-01-05"]


def assert_novruz_listed(holidays) -> None:
    novruz = next_novruz()
    expected = f"Spring Festival, {date_format(novruz)} – {date_format(novruz.replace(day=24))}"
    assert expected in holidays.inner_text()


def test_organiser_sets_a_targets_country_and_own_dates(organiser, live_server, campaign, screenshot):
    page = organiser
    target = campaign.targets.get()
    page.goto(f"{live_server.url}/admin/campaigns/target/{target.pk}/change/")
    holidays = page.locator("[data-public-holidays]")
    assert "No country chosen, so no public holidays are skipped" in holidays.inner_text()

    choose(page.get_by_role("combobox", name="Public holidays of"), label="Azerbaijan")
    page.get_by_text("No letters go on these public holidays of Azerbaijan").wait_for()  # before saving
    dates = page.get_by_role("group", name="Your own dates to skip")
    add_dates_and_remove_the_first(dates)
    tap(page.get_by_role("button", name="Save and continue editing"))

    page.get_by_text("was changed successfully").wait_for()
    target.refresh_from_db()
    assert (target.holiday_country, target.skip_dates) == ("AZ", ["2027-01-05"])
    saved = shown_dates(page.get_by_role("group", name="Your own dates to skip"))
    assert [field.input_value() for field in saved.all()] == ["2027-01-05"]
    assert_novruz_listed(page.locator("[data-public-holidays]"))
    assert page.problems == []
    page.locator("fieldset", has=page.get_by_role("heading", name="Sending rules")).scroll_into_view_if_needed()
    screenshot(page, f"admin-target-days-off-{page.size}")


def test_a_target_added_to_the_campaign_gets_its_days_off_too(organiser, live_server, campaign, screenshot):
    page = organiser
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    tap(page.get_by_text("Add another Target"))
    added = page.locator("#targets-group .inline-related:not(.empty-form)").last
    type_into(added.get_by_label("Name:"), "Ministry of Labour")
    type_into(added.get_by_label("Email address:"), "labour@gov.example.org")
    tap(added.get_by_text("Sending rules"))  # folded in the campaign form: its defaults suit most targets
    type_into(added.get_by_label("Time zone:"), "Asia/Baku")
    choose(added.get_by_role("combobox", name="Public holidays of"), label="Azerbaijan")
    added.get_by_text("No letters go on these public holidays of Azerbaijan").wait_for()
    add_dates_and_remove_the_first(added.get_by_role("group", name="Your own dates to skip"))
    tap(page.get_by_role("button", name="Save and continue editing"))

    page.get_by_text("was changed successfully").wait_for()
    target = Target.objects.get(email="labour@gov.example.org")
    assert (target.holiday_country, target.skip_dates) == ("AZ", ["2027-01-05"])
    saved = page.locator("#targets-group .inline-related", has_text="Ministry of Labour")
    tap(saved.get_by_text("Sending rules"))
    assert [field.input_value() for field in shown_dates(saved).all()] == ["2027-01-05"]
    assert_novruz_listed(saved.locator("[data-public-holidays]"))
    assert page.problems == []
    screenshot(page, f"admin-campaign-added-target-days-off-{page.size}")
