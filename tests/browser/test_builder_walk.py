"""A first-time organiser walks the whole builder, at a laptop and on a phone: signs in (setting up
two-factor), writes the page and letter in two languages with the placeholder buttons and the live
preview beside them, saves, imports a target from a spreadsheet, rehearses (signs on her phone and
gets the [Test] letters herself), ends the rehearsal, sends herself a test letter, publishes, sees a
signature arrive on the dashboard, exports the signers and closes the campaign for good.

The walk's figures (screens loaded, saves, presses, fields, and the minutes a person would take by
a keystroke-level estimate) are written to test-artifacts/builder-walk-<device>.json.
"""

import contextlib
import json
import re
import time
from base64 import b32decode
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django_otp.oath import TOTP

from campaigns.models import Campaign
from petitions.delivery.sending import send_delivery
from petitions.models import Delivery, Signature
from petitions.signing import confirmations
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.person import CHECKED, choose, tap, type_into
from tests.browser.test_target_import_in_browser import upload

pytestmark = pytest.mark.django_db(transaction=True)

# A keystroke-level estimate of a person's time (Card, Moran and Newell): 0.28 s a character for
# an average typist, 1.1 s to point at a control and 1.35 s to think before each field or press,
# and 4 s to take in each new screen.
SECONDS_PER_CHARACTER, SECONDS_PER_POINT, SECONDS_TO_THINK, SECONDS_PER_SCREEN = 0.28, 1.1, 1.35, 4.0


class Walk:
    """Counts what the organiser did: screens loaded, saves, presses, fields and characters typed."""

    def __init__(self, page):
        self.page, self.saves, self.characters, self.screens = page, 0, 0, 0
        self.marks: dict[str, dict] = {}
        self.start = dict(CHECKED)
        page.on("framenavigated", lambda frame: self._loaded(frame))

    def _loaded(self, frame):
        if frame == self.page.main_frame:
            self.screens += 1

    @contextlib.contextmanager
    def aside(self):
        """What someone else does meanwhile (a signer on their phone) is not the organiser's work."""
        before = dict(CHECKED)
        yield
        for kind, count in CHECKED.items():
            self.start[kind] = self.start.get(kind, 0) + count - before.get(kind, 0)

    def type(self, locator, text: str) -> None:
        type_into(locator, text)
        self.characters += len(text)

    def keys(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.characters += len(text)

    def mark(self, name: str) -> None:
        """The figures so far, kept under `name` (e.g. the moment the campaign went live)."""
        self.marks[name] = self.figures()

    def figures(self) -> dict:
        done = {kind: CHECKED[kind] - self.start.get(kind, 0) for kind in ("taps", "clicks", "fields")}
        presses, fields = done["taps"] + done["clicks"], done["fields"]
        estimate = (
            self.characters * SECONDS_PER_CHARACTER
            + (presses + fields) * (SECONDS_PER_POINT + SECONDS_TO_THINK)
            + self.screens * SECONDS_PER_SCREEN
        )
        return {
            "screens": self.screens,
            "saves": self.saves,
            "presses": presses,
            "fields": fields,
            "characters_typed": self.characters,
            "estimated_minutes_for_a_person": round(estimate / 60, 1),
        }


def sign_in_first_time(page, url: str) -> None:
    page.goto(f"{url}/admin/")
    type_into(page.get_by_label("Username"), "alice")
    type_into(page.get_by_label("Password"), "alice-password-123")
    tap(page.get_by_role("button", name="Log in"))
    page.wait_for_url("**/admin/two-factor/")
    key = b32decode(page.locator("#two-factor-key").inner_text().replace(" ", ""))
    type_into(page.get_by_label("Code from the app"), f"{TOTP(key).token():06d}")
    tap(page.get_by_role("button", name="Confirm"))
    tap(page.get_by_role("link", name="Continue"))
    page.wait_for_url(f"{url}/admin/")


def preview_text(page) -> str:
    return page.locator("[data-preview-letters]").inner_text()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_first_time_organiser_builds_publishes_and_closes_a_campaign(
    device, new_page, phone, live_server, alice, organisation, screenshot, tmp_path
):
    admin = new_page("en", **(DESKTOP if device == "desktop" else PHONE))
    started = time.monotonic()
    walk = Walk(admin)
    sign_in_first_time(admin, live_server.url)
    walk.mark("signed_in")  # the first sign-in, enrolling the authenticator app

    # "Add" beside Campaigns on the first page opens the builder: her one organisation is already
    # chosen and the first language version and target are open.
    tap(admin.locator("#content-main tr.model-campaign a.addlink"))
    walk.type(admin.locator("#id_name"), "Free the dockers")
    admin.locator("#id_name").press("Tab")
    assert admin.locator("#id_slug").input_value() == "free-the-dockers"
    assert admin.locator("#id_organisation").input_value() == str(organisation.pk)

    walk.type(admin.locator("#id_templates-0-page_title"), "Free the dockers")
    walk.type(admin.locator("#id_templates-0-story"), "Five dockers are in jail for striking.")
    walk.type(admin.locator("#id_templates-0-letter_subject"), "Release the dockers")
    walk.type(admin.locator("#id_templates-0-letter_body"), "Dear ")
    tap(admin.locator("#templates-0 [data-placeholder=target_name]"))
    walk.keys(",\n\nRelease them.\n\n")
    tap(admin.locator("#templates-0 [data-placeholder=signer_signoff]"))
    assert admin.locator("#id_templates-0-letter_body").input_value() == (
        "Dear {target_name},\n\nRelease them.\n\n{signer_signoff}"
    )

    walk.type(admin.locator("#id_targets-0-name"), "Port Authority")
    walk.type(admin.locator("#id_targets-0-email"), "master@port.example.org")
    # The preview beside the letter follows the form, unsaved.
    admin.get_by_text("Dear Port Authority,").wait_for()
    assert "Jane Doe\nUnite the Union, Leeds, United Kingdom" in preview_text(admin)
    screenshot(admin, f"builder-{device}-letter-and-preview")

    # A second language: a tab of its own, and a second target who reads it.
    tap(admin.get_by_role("button", name="+ Add a language"))
    choose(admin.locator("#id_templates-1-language"), "ru")
    assert admin.get_by_role("tab", name="Russian").get_attribute("aria-selected") == "true"
    assert not admin.locator("#id_templates-0-page_title").is_visible()  # the English tab is behind
    walk.type(admin.locator("#id_templates-1-page_title"), "Свободу докерам")
    walk.type(admin.locator("#id_templates-1-story"), "Пять докеров в тюрьме за забастовку.")
    walk.type(admin.locator("#id_templates-1-letter_subject"), "Освободите докеров")
    walk.type(admin.locator("#id_templates-1-letter_body"), "Уважаемый ")
    tap(admin.locator("#templates-1 [data-placeholder=target_name]"))
    walk.keys("!\n\n")
    tap(admin.locator("#templates-1 [data-placeholder=signer_signoff]"))
    tap(admin.get_by_role("button", name="Add another Target"))
    walk.type(admin.locator("#id_targets-1-name"), "Министерство труда")
    walk.type(admin.locator("#id_targets-1-email"), "minister@labour.example.org")
    choose(admin.locator("#id_targets-1-language"), "ru")
    admin.get_by_text("Уважаемый Министерство труда!").wait_for()
    tap(admin.get_by_role("tab", name="English"))
    assert admin.locator("#id_templates-0-page_title").is_visible()

    # One save, and she is on the overview: ready, with nothing missing.
    tap(admin.get_by_role("button", name="Save", exact=True))
    walk.saves += 1
    walk.mark("campaign_saved")
    campaign = Campaign.objects.get(slug="free-the-dockers")
    assert admin.url.endswith(f"/admin/campaigns/campaign/{campaign.pk}/overview/")
    assert campaign.templates.count() == 2
    assert campaign.targets.count() == 2
    assert "✗" not in admin.locator("[data-testid=required]").inner_text()
    screenshot(admin, f"builder-{device}-overview-draft")

    # A third target from a spreadsheet: checked row by row before anything is saved.
    targets_file = tmp_path / "targets.csv"
    targets_file.write_bytes(
        b"\xef\xbb\xbfemail,name,title,language\njustice@gov.example.org,Ministry of Justice,,en\n"
    )
    tap(admin.get_by_role("link", name="Import targets"))
    upload(admin, targets_file)
    assert "new" in admin.locator('tr[data-row="2"]').inner_text()
    tap(admin.get_by_role("button", name="Save 1 target"))
    walk.saves += 1
    admin.get_by_text("1 target added, 0 updated, 0 unchanged.").wait_for()
    assert campaign.targets.count() == 3

    # A rehearsal: she signs on her phone, and the letters come to her, not to the targets.
    tap(admin.get_by_role("button", name="Start a rehearsal"))
    admin.locator("[data-testid=rehearsal]").wait_for()
    with walk.aside():
        phone.goto(f"{live_server.url}/c/free-the-dockers/")
        assert "Rehearsal: this campaign is being tried out." in phone.locator("[data-testid=rehearsal]").inner_text()
        type_into(phone.get_by_label("First name", exact=False).first, "Alice")
        type_into(phone.get_by_label("Last name", exact=False).first, "Tester")
        type_into(phone.get_by_role("textbox", name="Email"), "alice.tester@example.net")
        choose(phone.get_by_role("combobox", name="Country"), "AZ")
        phone.wait_for_timeout(3100)
        tap(phone.get_by_role("button", name="Send my letter"))
        phone.wait_for_url("**/c/free-the-dockers/share/")
        rehearsal = Signature.objects.get(campaign=campaign)
        phone.goto(live_server.url + urlsplit(confirmations.confirmation_url(rehearsal)).path)
        tap(phone.get_by_role("button", name="Confirm my signature"))
        phone.get_by_role("heading", name=re.compile("confirmed")).wait_for()
    for letter in Delivery.objects.filter(campaign=campaign):  # what the worker does with them
        send_delivery(delivery_id=letter.pk)
    tests = [message for message in mail.outbox if message.subject.startswith("[Test] ")]
    assert sorted(message.subject for message in tests) == [
        "[Test] Release the dockers",
        "[Test] Release the dockers",
        "[Test] Освободите докеров",
    ]
    assert {tuple(message.to) for message in tests} == {("alice@union.example.org",)}
    tap(admin.get_by_role("button", name="End the rehearsal (remove its test signatures and letters)"))
    tap(admin.get_by_role("button", name="Yes, end the rehearsal"))
    admin.get_by_text("1 test signature(s) and 3 test letter(s) removed.").wait_for()
    assert not Signature.objects.filter(campaign=campaign).exists()
    mail.outbox.clear()

    tap(admin.get_by_role("button", name="Send the test letter"))
    admin.get_by_text("Sent “[Test] Release the dockers” to alice@union.example.org.").wait_for()
    assert [message.to for message in mail.outbox] == [["alice@union.example.org"]]

    tap(admin.get_by_role("button", name="Publish (draft to live)"))
    admin.get_by_text("1 campaign(s) now live.").wait_for()
    walk.mark("published")
    assert admin.locator("[data-testid=status]").inner_text() == "Live"
    link = admin.locator("#public-link").input_value()
    assert link.endswith("/c/free-the-dockers/")

    with walk.aside():
        phone.goto(live_server.url + urlsplit(link).path)
        type_into(phone.get_by_label("First name", exact=False).first, "Bob")
        type_into(phone.get_by_label("Last name", exact=False).first, "Builder")
        type_into(phone.get_by_role("textbox", name="Email"), "bob@example.net")
        choose(phone.get_by_role("combobox", name="Country"), "FR")
        phone.wait_for_timeout(3100)  # a new campaign holds signatures sent faster than 3 seconds
        tap(phone.get_by_role("button", name="Send my letter"))
        phone.wait_for_url("**/c/free-the-dockers/share/")
        signature = Signature.objects.get(campaign=campaign)
        phone.goto(live_server.url + urlsplit(confirmations.confirmation_url(signature)).path)
        tap(phone.get_by_role("button", name="Confirm my signature"))
        phone.get_by_role("heading", name=re.compile("confirmed")).wait_for()

    cache.clear()  # the live server shares this process's cache: skip the dashboard's 30-second cache
    tap(admin.get_by_role("link", name="Dashboard"))
    assert admin.locator('[data-figure="signatures"]').inner_text() == "1"
    assert re.search(r"France\s+1", admin.locator("#by-country + table").inner_text())
    admin.go_back()

    tap(admin.get_by_role("link", name="Export signatures"))
    with admin.expect_download() as download:
        tap(admin.get_by_role("button", name="Download CSV"), downloads=True)
    exported = Path(download.value.path()).read_bytes()
    assert exported.startswith(b"\xef\xbb\xbf")
    assert b"Builder" in exported
    admin.go_back()

    tap(admin.get_by_role("button", name="Close for good"))
    assert "This cannot be undone." in admin.content()
    assert "Their signatures, 1, stay counted" in admin.locator("#consequences").inner_text()
    tap(admin.get_by_role("button", name="Yes, close for good"))
    admin.get_by_text("1 campaign(s) now closed.").wait_for()
    assert admin.locator("[data-testid=status]").inner_text() == "Closed"
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"
    screenshot(admin, f"builder-{device}-overview-closed")

    figures = walk.figures() | {"seconds_of_this_test": round(time.monotonic() - started, 1), "at": walk.marks}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"builder-walk-{device}.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert figures["saves"] == 2  # the campaign form, and the targets' file
