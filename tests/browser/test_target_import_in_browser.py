"""Alice imports her campaign's targets from a spreadsheet, at a laptop and on her phone: a file with
one bad row shows her that row's error and saves nothing; the fixed file saves, and the targets are
in the campaign's form."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.models import Target
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import tap, type_into
from tests.twofactor import current_code

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "email;name;title;language;time_zone;name_ru;title_ru;hourly_cap;send_from;send_until;weekdays_only\r\n"
FIXED = (
    HEADER
    + "elmar@gov.example.az;Elmar Əliyev;Nazir;az;Asia/Baku;Эльмар Алиев;Министр;30;09:00;17:00;yes\r\n"
    + "ramil@gov.example.az;Ramil Məmmədov;Baş prokuror;az;Asia/Baku;;;40;09:00;18:00;no\r\n"
    + 'press@justice.example.az;"Ministry of Justice; press office";;en;;;;;;;\r\n'
)
ONE_BAD_ROW = FIXED.replace("ramil@gov.example.az", "ramil-at-gov.example.az")


def sign_in(page, live_server, device) -> None:
    page.goto(f"{live_server.url}/admin/")
    type_into(page.get_by_label("Username"), "alice")
    type_into(page.get_by_label("Password"), "alice-password-123")
    type_into(page.get_by_label("One-time code"), current_code(device))
    tap(page.get_by_role("button", name="Log in"))
    page.wait_for_url(f"{live_server.url}/admin/")


def upload(page, path) -> None:
    """Choose the file as a person does, through the field's own file chooser, then send it."""
    with page.expect_file_chooser() as chooser:
        tap(page.get_by_label("CSV file"))
    chooser.value.set_files(str(path))
    tap(page.get_by_role("button", name="Check the file"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_organiser_fixes_a_bad_row_then_saves_and_sees_the_targets(
    size, new_page, live_server, alice, campaign, screenshot, tmp_path
):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)  # her authenticator app
    page = new_page("en", **(DESKTOP if size == "desktop" else PHONE))
    bad, fixed = tmp_path / "targets.csv", tmp_path / "targets-fixed.csv"
    bad.write_bytes(b"\xef\xbb\xbf" + ONE_BAD_ROW.encode())
    fixed.write_bytes(b"\xef\xbb\xbf" + FIXED.encode())
    sign_in(page, live_server, device)

    page.goto(f"{live_server.url}/admin/campaigns/campaign/{campaign.pk}/change/")
    tap(page.get_by_role("link", name="Import targets"))
    upload(page, bad)

    assert "1 row has errors, so nothing can be saved." in page.locator("#import-verdict").inner_text()
    row = page.locator('tr[data-row="3"]')
    assert "error" in row.inner_text()
    assert "email: Enter a valid email address." in row.locator(".row-errors").inner_text()
    assert page.get_by_role("button", name="Save 3 targets").count() == 0
    assert list(Target.objects.values_list("email", flat=True)) == [campaign.targets.get().email]
    screenshot(page, f"target-import-{size}-error")

    upload(page, fixed)
    assert page.locator('tr[data-row="3"]').inner_text().split() == [
        "3",
        "new",
        "ramil@gov.example.az",
        "Ramil",
        "Məmmədov,",
        "Baş",
        "prokuror",
    ]
    tap(page.get_by_role("button", name="Save 3 targets"))

    # Saved, she is back on the overview, which tells what is next; the targets are in the form.
    page.wait_for_url(f"**/admin/campaigns/campaign/{campaign.pk}/overview/")
    assert "3 targets added, 0 updated, 0 unchanged." in page.locator(".messagelist").inner_text()
    tap(page.get_by_role("link", name="Edit the campaign"))
    names = page.locator('#targets-group .inline-related:not(.empty-form) input[name$="-name"]')
    assert [names.nth(n).input_value() for n in range(names.count())] == [
        "Presidential Administration",
        "Elmar Əliyev",
        "Ramil Məmmədov",
        "Ministry of Justice; press office",
    ]
    page.locator("#targets-group").scroll_into_view_if_needed()
    screenshot(page, f"target-import-{size}-saved")
    elmar = Target.objects.get(email="elmar@gov.example.az")
    assert (elmar.hourly_cap, elmar.weekdays_only, elmar.label_in("ru")) == (30, True, "Эльмар Алиев, Министр")
