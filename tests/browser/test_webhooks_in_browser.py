"""An organiser on her phone adds a webhook to her receiver, copies its secret (shown once), sends
a test event and sees in the webhook's log that her receiver got it. Looked at in Arabic (right
to left) at phone size too: the address still reads left to right."""

import pytest

from petitions.models import WebhookDelivery, WebhookEndpoint
from petitions.webhooks import posting
from tests.browser.conftest import DESKTOP
from tests.browser.person import choose, tap, type_into
from tests.browser.test_paper_in_browser import sign_in
from tests.petitions.webhooks.test_webhooks import documented_verifier
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def test_an_organiser_adds_a_webhook_sees_its_secret_once_and_sends_a_test_event(
    phone, new_page, live_server, alice, campaign, receiver, screenshot
):
    sign_in(phone, live_server.url, alice)
    phone.goto(f"{live_server.url}/admin/petitions/webhookendpoint/add/")
    choose(phone.get_by_label("Organisation"), str(campaign.organisation.pk))
    choose(phone.get_by_label("Campaign"), str(campaign.pk))
    type_into(phone.get_by_label("Name"), "Our CRM")
    type_into(phone.get_by_label("Address (URL)"), receiver.url)
    tap(phone.get_by_label("A signature is confirmed"))
    tap(phone.get_by_label("A milestone is reached"))
    screenshot(phone, "webhook-add-phone")
    tap(phone.get_by_role("button", name="Save", exact=True))

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["signature.confirmed", "milestone.reached"]
    secret = phone.locator(".field-signing_secret code")
    assert secret.inner_text() == endpoint.secret
    screenshot(phone, "webhook-secret-once-phone")
    phone.reload()
    assert secret.inner_text() != endpoint.secret
    assert secret.inner_text().endswith(endpoint.secret[-4:])

    phone.goto(f"{live_server.url}/admin/petitions/webhookendpoint/")
    tap(phone.locator("input[name=_selected_action]").first)
    choose(phone.get_by_label("Action:"), "send_test_event")
    tap(phone.get_by_role("button", name="Go"))
    phone.get_by_text("A test event is on its way to 1 webhook").wait_for()
    # What the worker does with the message the action queued.
    (delivery,) = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert posting.send_webhook(delivery_id=delivery.pk) == "sent"

    (request,) = receiver.requests
    assert documented_verifier()(endpoint.secret, request.signature, request.body)
    tap(phone.get_by_role("link", name="Our CRM"))
    phone.wait_for_url(f"**/webhookendpoint/{endpoint.pk}/change/")
    log = phone.locator("#deliveries-group")
    assert "Sent" in log.inner_text()
    assert "200" in log.inner_text()
    screenshot(phone, "webhook-log-phone")

    for locale, options in (("ar", {}), ("az", DESKTOP)):
        page = new_page(locale, **options)
        sign_in_again = page.context
        sign_in_again.add_cookies(phone.context.cookies())
        page.goto(f"{live_server.url}/admin/petitions/webhookendpoint/{endpoint.pk}/change/")
        url = page.locator("input[name=url]")
        assert url.get_attribute("dir") == "ltr"
        assert url.input_value() == receiver.url
        screenshot(page, f"webhook-change-{locale}")
