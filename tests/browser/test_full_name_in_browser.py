"""A signer ticks "name me in full in the list handed to the target" on a phone and on a laptop,
right under "show my first name publicly"; where signers may be at risk the box is not there."""

import pytest

from petitions.core.hashing import email_hash
from petitions.models import Signature
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)

FULL_NAME_BOX = "Name me in full in the list handed to the target"


def fill_in(page) -> None:
    type_into(page.get_by_label("First name", exact=False).first, "Bob")
    type_into(page.get_by_label("Last name", exact=False).first, "Builder")
    type_into(page.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(page.get_by_role("combobox", name="Country"), "GB")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_signer_asks_to_be_named_in_full(new_page, live_server, campaign, size, screenshot):
    page = new_page("en", **(PHONE if size == "phone" else DESKTOP))
    page.goto(f"{live_server.url}/en/c/{campaign.slug}/")

    fill_in(page)
    shown = page.get_by_role("checkbox", name="Show my first name publicly")
    in_full = page.get_by_role("checkbox", name=FULL_NAME_BOX)
    tap(shown)
    tap(in_full)
    screenshot(page, f"full-name-box-{size}")
    assert in_full.bounding_box()["y"] > shown.bounding_box()["y"]
    tap(page.get_by_role("button", name="Send my letter"))

    page.wait_for_url(f"**/en/c/{campaign.slug}/share/")
    bob = Signature.objects.get(email_hash=email_hash("bob@example.net"))
    assert (bob.show_name_publicly, bob.show_full_name_in_handover) == (True, True)


def test_where_signers_may_be_at_risk_there_is_no_such_box(phone, live_server, campaign):
    campaign.signers_at_risk = True
    campaign.save()

    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/")

    assert phone.get_by_role("checkbox", name="Show my first name publicly").is_visible()
    assert phone.get_by_role("checkbox", name=FULL_NAME_BOX).count() == 0
