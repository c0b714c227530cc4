"""With recent signers shown beside the form, "Send my letter" can be tapped wherever the signer has
scrolled to, on a phone and on a laptop: nothing is drawn over it, and the tap sends the letter.

A sticky form box once slid under the "Recently signed" card on phones: the button looked fine in
every screenshot and no test noticed, because no test showed a recent signer or asked what a finger
would land on."""

import pytest

from petitions.core.hashing import email_hash
from petitions.enums import SignatureStatus
from petitions.models import Signature
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import choose, tap, type_into
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCROLL_POSITIONS = (0, 200, 450, 800, "bottom")
RECENT = [("Leyla", "AZ"), ("Kemal", "TR"), ("Olga", "RU"), ("Lucía", "ES"), ("Amal", "EG"), ("Grace", "GB")]


@pytest.fixture
def recent_signers(campaign):
    """Signers who agreed to be shown, as the page lists them (the newest first)."""
    for first_name, country in RECENT:
        SignatureFactory(campaign=campaign, first_name=first_name, country=country, show_name_publicly=True)
    return [first_name for first_name, _country in reversed(RECENT)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_send_button_can_be_tapped_at_every_scroll_position_with_recent_signers_shown(
    new_page, live_server, campaign, recent_signers, size, screenshot
):
    page = new_page("en", **(PHONE if size == "phone" else DESKTOP))
    page.goto(f"{live_server.url}/en/c/{campaign.slug}/")
    page.wait_for_load_state("networkidle")

    card = page.locator(".recent-signers")
    assert card.is_visible()
    assert [line.split(",")[0] for line in card.locator("li").all_inner_texts()] == recent_signers

    type_into(page.get_by_label("First name", exact=False).first, "Bob")
    type_into(page.get_by_label("Last name", exact=False).first, "Builder")
    type_into(page.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(page.get_by_role("combobox", name="Country"), "GB")
    tap(page.get_by_role("checkbox", name="Show my first name publicly"))
    screenshot(page, f"send-button-with-recent-signers-{size}")

    send = page.get_by_role("button", name="Send my letter")
    tap(send, positions=SCROLL_POSITIONS)

    page.wait_for_url(f"**/en/c/{campaign.slug}/share/")
    assert page.locator("h1").inner_text() == "Thank you for standing with this campaign"
    bob = Signature.objects.get(email_hash=email_hash("bob@example.net"))
    assert (bob.status, bob.show_name_publicly) == (SignatureStatus.CONFIRMED, True)
