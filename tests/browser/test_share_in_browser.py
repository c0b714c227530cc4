"""Sharing without being tracked: the pages load nothing from elsewhere and set no cookie."""

import pytest

from tests.browser.a11y import audit
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_load_only_from_their_own_site_and_set_no_cookie(phone, live_server, campaign, bob_form):
    requested = []
    phone.on("request", lambda request: requested.append(request.url))

    phone.goto(f"{live_server.url}/c/{campaign.slug}/")
    type_into(phone.get_by_label("First name", exact=False).first, "Bob")
    type_into(phone.get_by_label("Last name", exact=False), "Builder")
    type_into(phone.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(phone.get_by_role("combobox", name="Country"), "GB")
    tap(phone.get_by_role("button", name="Send my letter"))
    phone.wait_for_url(f"**/c/{campaign.slug}/share/")
    phone.wait_for_load_state("networkidle")

    assert requested
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert phone.context.cookies() == []


def test_copy_link_button_copies_the_share_link(phone, live_server, campaign):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/share/")

    tap(phone.get_by_role("button", name="Copy link"))

    phone.get_by_role("status").filter(has_text="Link copied").wait_for(timeout=5_000)
    assert phone.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/c/{campaign.slug}/"
    assert audit(phone, "thanks-after-copy") == []
