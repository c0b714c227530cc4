"""A signer on a phone: reads the campaign, signs, lands on the thank-you page, sees the count move."""

import pytest

from petitions.models import Delivery, Signature
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


def test_signer_on_a_phone_signs_and_sees_thanks(phone, live_server, campaign, screenshot):
    phone.goto(f"{live_server.url}/c/{campaign.slug}/")
    screenshot(phone, "campaign-page-phone")

    type_into(phone.get_by_label("First name", exact=False).first, "Bob")
    type_into(phone.get_by_label("Last name", exact=False).first, "Builder")
    type_into(phone.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(phone.get_by_role("combobox", name="Country"), "GB")
    type_into(phone.get_by_label("Organisation or union"), "Unite")
    type_into(phone.get_by_label("Personal message"), "Free them now.")
    tap(phone.get_by_role("button", name="Send my letter"))

    phone.wait_for_url(f"**/c/{campaign.slug}/share/")
    screenshot(phone, "thanks-page-phone")
    assert phone.locator("h1").inner_text() == "Thank you for standing with this campaign"
    # Counted: the page's script refreshes the (briefly cached) counters a few seconds after loading.
    phone.locator('[data-counter="total"]').filter(has_text="1").wait_for(timeout=10_000)
    assert Signature.objects.get().organisation == "Unite"
    assert Delivery.objects.count() == 1


def test_bad_input_shows_field_errors_and_keeps_what_was_typed(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/c/{campaign.slug}/")

    type_into(phone.get_by_label("First name", exact=False).first, "Bob")
    type_into(phone.get_by_role("textbox", name="Email"), "not-an-email")
    tap(phone.get_by_role("button", name="Send my letter"))

    assert phone.get_by_text("Enter a valid email address.").is_visible()
    assert phone.get_by_label("First name", exact=False).first.input_value() == "Bob"
    assert Signature.objects.count() == 0


def test_campaign_page_has_no_horizontal_scroll_on_a_phone(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/c/{campaign.slug}/")

    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    assert overflow == 0


def test_counter_refreshes_without_a_reload(phone, live_server, campaign):
    from django.core.cache import cache

    from petitions.reporting.counters import add_to_counters

    phone.goto(f"{live_server.url}/c/{campaign.slug}/")
    add_to_counters(campaign_id=campaign.pk, signatures=41)
    cache.clear()  # the server shares this process's cache; skip the two-second counter cache

    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    phone.locator('[data-counter="total"]').filter(has_text="41").wait_for(timeout=10_000)
