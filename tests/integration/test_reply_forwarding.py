"""A signer who asks, on their receipt page, for replies gets the target's answer by email from the
platform, once, sent by the real worker through the mail server; an auto-reply is not forwarded."""

import re
from email.message import EmailMessage

import pytest
import requests

from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Response
from petitions.responses.intake import receive_reply
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration


def reply(target_email: str, *, text: str, message_id: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = f"Office <{target_email}>"
    message["Subject"] = "Re: your letter"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def test_a_reply_reaches_the_signer_who_asked_once_and_an_auto_reply_does_not(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server
):
    target = letter_campaign.targets.get()
    web_server.sign(letter_campaign.slug, bob_form | {"wants_receipt": "on"})
    messages = smtp_server.wait_for_messages(2, then_quiet_for=2.0)
    wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).exists(),
        timeout=10,
        what="the letter to be recorded as sent",
    )
    receipt = next(m for m in messages if m.rcpt_tos == ["bob.builder@example.net"])
    path = re.search(r"https?://[^/\s]+(/c/\S+/receipt/\S+/)", receipt.message.get_body(("plain",)).get_content())[1]
    browser = requests.Session()
    page = browser.get(web_server.base_url + path, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    switched = browser.post(
        web_server.base_url + path,
        {"csrfmiddlewaretoken": token, "forward_replies": "on"},
        headers={"Origin": web_server.base_url, "Referer": web_server.base_url + path},
        timeout=10,
    )
    assert "Stop sending me replies" in switched.text
    letter = Delivery.objects.get(campaign=letter_campaign)
    before = len(smtp_server.messages)

    assert (
        receive_reply(
            letter.pk,
            reply(target.email, text="Auto: away", message_id="<a@gov>", **{"Auto-Submitted": "auto-replied"}),
        )
        == "stored automatic"
    )
    assert (
        receive_reply(letter.pk, reply(target.email, text="We have read your letter.", message_id="<b@gov>"))
        == "stored"
    )
    assert (
        receive_reply(letter.pk, reply(target.email, text="We have read your letter.", message_id="<b@gov>"))
        == "duplicate"
    )

    forwarded = smtp_server.wait_for_messages(before + 1, then_quiet_for=3.0)[before:]
    assert len(forwarded) == 1
    assert forwarded[0].rcpt_tos == ["bob.builder@example.net"]
    body = forwarded[0].message.get_body(("plain",)).get_content()
    assert "We have read your letter." in body
    assert "Auto: away" not in body
    assert forwarded[0].message["From"] != target.email
    assert Response.objects.get(automatic=False).forwarded_at is not None
    assert Response.objects.get(automatic=True).forwarded_at is None
