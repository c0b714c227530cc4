"""A signer who asks for a receipt gets a private link by email that follows their letter to "sent"."""

import re

import pytest
import requests

from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration


def test_receipt_link_by_email_shows_the_letter_sent(letter_campaign, bob_form, smtp_server, celery_worker, web_server):
    target = letter_campaign.targets.get()

    web_server.sign(letter_campaign.slug, bob_form | {"wants_receipt": "on"})
    messages = smtp_server.wait_for_messages(2, then_quiet_for=2.0)
    wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).exists(),
        timeout=10,
        what="the letter to be recorded as sent",
    )
    by_recipient = {tuple(message.rcpt_tos): message for message in messages}
    receipt = by_recipient[("bob.builder@example.net",)].message.get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/c/\S+/receipt/\S+/)", receipt).group(1)
    page = requests.get(web_server.base_url + path, timeout=10)

    assert sorted(by_recipient) == sorted([("bob.builder@example.net",), (target.email,)])
    assert page.status_code == 200
    assert '<td data-status="sent">' in page.text
    assert "Bob" not in page.text
    assert page.headers["Referrer-Policy"] == "same-origin"
