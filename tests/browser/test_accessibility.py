"""The public pages pass the automated accessibility check with no serious or critical violation."""

import pytest

from tests.browser.a11y import audit
from tests.browser.conftest import DESKTOP
from tests.browser.person import tap

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_campaign_page_has_no_serious_accessibility_violations(new_page, live_server, campaign, language):
    page = new_page(language, **DESKTOP)
    page.goto(f"{live_server.url}/{language}/c/{campaign.slug}/")

    assert audit(page, f"campaign-{language}") == []


def test_campaign_page_with_field_errors_has_no_serious_accessibility_violations(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/")
    tap(phone.get_by_role("button", name="Send my letter"))
    phone.wait_for_load_state()

    assert audit(phone, "campaign-errors") == []


def test_thanks_page_has_no_serious_accessibility_violations(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/en/c/{campaign.slug}/share/")

    assert audit(phone, "thanks") == []


def test_campaign_page_with_the_captcha_has_no_serious_accessibility_violations(new_page, live_server, campaign):
    campaign.abuse_captcha = True
    campaign.save()
    page = new_page("en", **DESKTOP)
    page.goto(f"{live_server.url}/en/c/{campaign.slug}/")
    page.locator("altcha-widget").wait_for()

    assert audit(page, "campaign-captcha") == []


def test_data_request_page_has_no_serious_accessibility_violations(phone, live_server, campaign):
    phone.goto(f"{live_server.url}/ru/my-data/")

    assert audit(phone, "my-data-ru") == []
