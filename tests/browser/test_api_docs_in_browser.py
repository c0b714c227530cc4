"""The API's docs page as a developer uses it, on a phone and a laptop, under the site's own
Content-Security-Policy (not bypassed): Swagger UI loads from this server, lists every operation,
and "Try it out" on a campaign's counts shows the real answer."""

import pytest
from playwright.sync_api import expect

from petitions.reporting.counters import add_to_counters
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.person import tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_docs_page_tries_an_operation(browser, live_server, campaign, screenshot, size):
    add_to_counters(campaign_id=campaign.pk, signatures=42, emails_sent=40)
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))  # the CSP applies
    page = context.new_page()
    refused, elsewhere = [], []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
    )
    try:
        page.goto(f"{live_server.url}/api/v1/docs")

        for path in ["/api/v1/campaigns", "/api/v1/campaigns/{slug}/counts", "/api/v1/campaigns/{slug}/targets"]:
            expect(page.locator(".opblock-summary-path", has_text=path).first).to_be_visible()
        tap(page.locator(".opblock-summary", has=page.locator('[data-path="/api/v1/campaigns/{slug}/counts"]')))
        tap(page.get_by_role("button", name="Try it out"))
        type_into(page.locator('input[placeholder="slug"]'), campaign.slug)
        tap(page.get_by_role("button", name="Execute"))

        answer = page.locator(".live-responses-table tr.response .response-col_description").first
        expect(answer).to_contain_text('"signatures": 42')
        expect(page.locator(".live-responses-table tr.response .response-col_status").first).to_have_text("200")
        screenshot(page, f"api-docs-{size}")
    finally:
        context.close()

    assert refused == []
    assert elsewhere == []
