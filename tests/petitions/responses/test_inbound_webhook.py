"""A reply through the provider's inbound webhook (Postmark here) is stored like one through SMTP;
the webhook is open only for the provider configured, and only with its credentials."""

import base64
import json

import pytest
from django.test import override_settings

from petitions.mail.addresses import reply_address
from petitions.models import Response
from tests.factories import SignatureFactory, live_campaign, queue_letters

SECRET = "outcry-hooks:correct-horse-battery-staple"
URL = "/anymail/postmark/inbound/"
POSTMARK = "anymail.backends.postmark.EmailBackend"


@pytest.fixture(autouse=True)
def _anymail_webhooks(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.fixture
def letter(db):
    campaign = live_campaign()
    queue_letters(signature=SignatureFactory(campaign=campaign))
    return campaign.deliveries.select_related("target").get()


def postmark_inbound(*, sender: str, to: str, text: str, message_id: str = "b7bc2f4a-e38e-4336-af7d-e6c392c2f817"):
    return {
        "FromName": "Office",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Office"},
        "To": to,
        "ToFull": [{"Email": to, "Name": ""}],
        "OriginalRecipient": to,
        "Subject": "Re: Release the jailed trade unionists",
        "MessageID": message_id,
        "Date": "Thu, 5 Mar 2026 10:00:00 +0400",
        "TextBody": text,
        "HtmlBody": "",
        "Headers": [{"Name": "Message-ID", "Value": f"<{message_id}@gov.example>"}],
        "Attachments": [],
    }


def post(client, payload, *, credentials=SECRET, backend=POSTMARK, url=URL):
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}
    with override_settings(EMAIL_BACKEND=backend):
        return client.post(url, data=json.dumps(payload), content_type="application/json", **auth)


def test_a_postmark_inbound_reply_is_stored_against_its_letter_once(client, letter):
    payload = postmark_inbound(sender=letter.target.email, to=reply_address(letter.pk), text="We will answer.")

    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200

    response = Response.objects.get()
    assert (response.delivery_id, response.text, response.from_target) == (letter.pk, "We will answer.", True)


def test_mail_to_no_reply_address_of_ours_is_ignored(client, letter):
    payload = postmark_inbound(sender=letter.target.email, to="reply+1-0000000000@elsewhere.example", text="Hi")

    assert post(client, payload).status_code == 200
    assert not Response.objects.exists()


def test_wrong_credentials_or_another_provider_are_refused(client, letter):
    payload = postmark_inbound(sender=letter.target.email, to=reply_address(letter.pk), text="Forged")

    assert post(client, payload, credentials="someone:else").status_code == 403
    assert post(client, payload, backend="django.core.mail.backends.smtp.EmailBackend").status_code == 404
    assert post(client, payload, url="/anymail/mailgun/inbound/").status_code == 404
    assert not Response.objects.exists()
