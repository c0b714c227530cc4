"""The embed on a partner site: another origin (another host and port on loopback), third-party
cookies blocked, the form signed inside the frame, a forged post from the partner page refused."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from petitions.models import Signature
from tests.browser.a11y import audit
from tests.browser.conftest import PHONE
from tests.browser.person import choose, tap, type_into

pytestmark = pytest.mark.django_db(transaction=True)

PARTNER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner union</title></head>
<body>
<h1>Partner union news</h1>
<script src="{outcry}/embed.js" data-campaign="{slug}" data-form data-ref="partner-union"
        data-title="Free the four: sign the letter" async></script>
<form id="forged" method="post" action="{outcry}/c/{slug}/embed/?form=1">
  <input name="first_name" value="Mallory"><input name="last_name" value="Forger">
  <input name="email" value="mallory@example.net"><input name="country" value="GB">
  <input name="embed_token" value="{token}">
</form>
</body></html>
"""


@pytest.fixture
def partner_site():
    """A partner's page on 127.0.0.1 (the app is on localhost): another site, not only another port."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_embed_signs_from_a_partner_site_with_third_party_cookies_blocked(
    strict_browser, partner_site, live_server, campaign, screenshot
):
    from petitions.web.embedding import embed_form_token

    pages, partner = partner_site
    pages["/"] = PARTNER_PAGE.format(outcry=live_server.url, slug=campaign.slug, token=embed_form_token(campaign.pk))
    context = strict_browser.new_context(locale="en", **PHONE)
    page = context.new_page()

    page.goto(f"{partner}/")
    frame = page.frame_locator("iframe[title='Free the four: sign the letter']")
    type_into(frame.get_by_label("First name", exact=False).first, "Bob")
    type_into(frame.get_by_label("Last name", exact=False), "Builder")
    type_into(frame.get_by_role("textbox", name="Email"), "bob@example.net")
    choose(frame.get_by_role("combobox", name="Country"), "GB")
    assert page.locator("iframe").evaluate("f => f.getBoundingClientRect().height") > 600  # fitted to the form
    screenshot(page, "embed-on-partner-site-phone")
    tap(frame.get_by_role("button", name="Send my letter"))

    frame.get_by_role("heading", name="Thank you for standing with this campaign").wait_for(timeout=10_000)
    frame.locator('[data-counter="total"]').filter(has_text="1").wait_for(timeout=10_000)
    screenshot(page, "embed-thanks-on-partner-site-phone")
    assert Signature.objects.get().source == "partner-union"
    assert context.cookies() == []  # it never needed one
    context.close()


def test_post_forged_by_another_site_is_refused(strict_browser, partner_site, live_server, campaign):
    from petitions.web.embedding import embed_form_token

    pages, partner = partner_site
    pages["/"] = PARTNER_PAGE.format(outcry=live_server.url, slug=campaign.slug, token=embed_form_token(campaign.pk))
    context = strict_browser.new_context(locale="en")
    page = context.new_page()
    page.goto(f"{partner}/")

    with page.expect_navigation() as navigation:
        page.evaluate("document.getElementById('forged').submit()")

    assert navigation.value.status == 403
    assert Signature.objects.count() == 0
    context.close()


def test_embed_has_no_serious_accessibility_violations(new_page, live_server, campaign):
    page = new_page("en")
    page.goto(f"{live_server.url}/en/c/{campaign.slug}/embed/?form=1")

    assert audit(page, "embed") == []
