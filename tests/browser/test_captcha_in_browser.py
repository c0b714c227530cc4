"""The self-hosted proof-of-work captcha in a real browser: solved silently, the signature counts."""

import pytest

from petitions.enums import SignatureStatus
from petitions.models import Signature
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_signer_with_captcha_on_is_confirmed_without_doing_anything(phone, live_server, campaign, settings):
    settings.ALTCHA_COST = 200
    settings.ALTCHA_MAX_COUNTER = 50
    campaign.abuse_captcha = True
    campaign.abuse_min_fill_seconds = 1
    campaign.save()
    errors, missing = [], []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    phone.goto(f"{live_server.url}/c/{campaign.slug}/")

    type_into(phone.get_by_label("First name", exact=False).first, "Bob")
    type_into(phone.get_by_label("Last name", exact=False).first, "Builder")
    type_into(phone.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(phone.get_by_role("combobox", name="Country"), "GB")
    phone.wait_for_timeout(1100)  # the campaign's minimum fill time
    tap(phone.get_by_role("button", name="Send my letter"))

    phone.wait_for_url(f"**/c/{campaign.slug}/share/")
    signature = Signature.objects.get()
    assert (signature.status, signature.hold_reasons) == (SignatureStatus.CONFIRMED, "")
    # No script, worker or style of the widget failed to load or was refused (the browser asks for a
    # favicon nobody serves: not ours to judge here).
    missing = [url for url in missing if not url.endswith("/favicon.ico")]
    assert missing == []
    assert [error for error in errors if "404" not in error or missing] == []


@pytest.mark.parametrize(("language", "verified"), [("tr", "Doğrulandı"), ("ar", "تم التحقق"), ("en", "Verified")])
def test_two_signers_each_solve_their_own_challenge_in_the_pages_language(
    new_page, live_server, campaign, settings, language, verified
):
    settings.ALTCHA_COST = 200
    settings.ALTCHA_MAX_COUNTER = 50
    campaign.abuse_captcha = True
    campaign.save()
    payloads = []
    for _signer in range(2):  # the same page from the cache, a challenge fetched by each widget
        page = new_page()
        page.goto(f"{live_server.url}/{language}/c/{campaign.slug}/")
        widget = page.locator("altcha-widget")
        widget.get_by_text(verified).wait_for(timeout=15_000)
        payloads.append(page.locator("input[name=altcha]").input_value())

    assert len(set(payloads)) == 2
