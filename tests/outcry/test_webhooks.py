"""Provider webhooks from the outside: only the configured provider's is there; unauthenticated is
403, malformed is 400, and no request, however odd, gets a 500."""

import base64
import json
import logging

import pytest
from django.test import Client

from petitions.tracking.webhook import TRACKING_VIEWS

pytestmark = pytest.mark.django_db

SECRET = "outcry-hooks:correct-horse-battery-staple"
POSTMARK = "anymail.backends.postmark.EmailBackend"
POSTMARK_URL = "/anymail/postmark/tracking/"
KEYS = {
    "WEBHOOK_SECRET": SECRET,
    "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key",
    "MANDRILL_WEBHOOK_KEY": "mandrill-webhook-key",
    "MAILERSEND_SIGNING_SECRET": "mailersend-signing-secret",
    "UNISENDER_GO_API_KEY": "unisender-go-api-key",
    "POSTAL_WEBHOOK_KEY": "bm90IGEga2V5",
}
DELIVERY = {
    "RecordType": "Delivery",
    "ServerID": 23,
    "MessageStream": "outbound",
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "Recipient": "press@ministry.example.gov",
    "Tag": "",
    "DeliveredAt": "2026-11-29T07:05:54.9070259Z",
    "Details": "smtp;250 2.0.0 OK",
    "Metadata": {},
}


def auth(credentials: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def backend(provider: str) -> str:
    return f"anymail.backends.{provider}.EmailBackend"


@pytest.fixture
def web() -> Client:
    """Answers as a provider sees them: a 500 is a response here, not a raised exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def postmark(settings):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.mark.parametrize(
    "url",
    [
        POSTMARK_URL,
        "/anymail/mailgun/tracking/",
        "/anymail/amazon_ses/tracking/",
        "/anymail/mandrill/tracking/",
        "/anymail/postmark/inbound/",
    ],
)
def test_no_webhook_is_there_when_mail_goes_by_smtp(web, settings, url):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ANYMAIL = KEYS

    assert web.post(url, json.dumps(DELIVERY), content_type="application/json", **auth()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/anymail/mailgun/tracking/",
        "/anymail/mandrill/tracking/",
        "/anymail/mandrill/",
        "/anymail/amazon_ses/tracking/",
        "/anymail/mailgun/inbound/",
        "/anymail/sendgrid/inbound/",
    ],
)
def test_only_the_configured_providers_webhooks_are_there(web, postmark, url):
    assert web.post(url, json.dumps(DELIVERY), content_type="application/json", **auth()).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        auth("outcry-hooks:guessed"),
        auth("outcry-hooks"),
        {"HTTP_AUTHORIZATION": "Basic !!!not-base64"},
        {"HTTP_AUTHORIZATION": "Bearer " + SECRET},
        {"HTTP_AUTHORIZATION": ""},
    ],
    ids=["none", "wrong password", "no password", "garbled", "bearer", "empty"],
)
def test_unauthenticated_request_gets_403(web, postmark, headers):
    response = web.post(POSTMARK_URL, json.dumps(DELIVERY), content_type="application/json", **headers)

    assert response.status_code == 403


def test_unauthenticated_garbage_gets_403_before_its_body_is_looked_at(web, postmark):
    assert web.post(POSTMARK_URL, "{", content_type="application/json").status_code == 403


@pytest.mark.parametrize(
    "body",
    ["{", "", "garbage", "null", "[]", '"a string"', "[" * 5000],
    ids=["truncated", "empty", "garbage", "null", "list", "string", "deep"],
)
def test_authenticated_malformed_body_gets_400(web, postmark, body):
    response = web.post(POSTMARK_URL, body, content_type="application/json", **auth())

    assert response.status_code == 400


def test_authenticated_undecodable_body_gets_400(web, postmark):
    response = web.generic("POST", POSTMARK_URL, b"\xff\xfe\x00{", content_type="application/json", **auth())

    assert response.status_code == 400


def test_authenticated_valid_event_gets_200(web, postmark):
    response = web.post(POSTMARK_URL, json.dumps(DELIVERY), content_type="application/json", **auth())

    assert response.status_code == 200


def test_webhook_without_any_authentication_configured_gets_403(web, settings):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {}

    response = web.post(POSTMARK_URL, json.dumps(DELIVERY), content_type="application/json")

    assert response.status_code == 403


def test_mailgun_unauthenticated_is_403_and_malformed_is_400(web, settings):
    settings.EMAIL_BACKEND = backend("mailgun")
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key"}
    url = "/anymail/mailgun/tracking/"
    forged = {"signature": {"timestamp": "1795935600", "token": "t", "signature": "0" * 64}, "event-data": {}}

    no_auth = web.post(url, json.dumps(forged), content_type="application/json")
    bad_signature = web.post(url, json.dumps(forged), content_type="application/json", **auth())
    malformed = web.post(url, "{", content_type="application/json", **auth())

    assert (no_auth.status_code, bad_signature.status_code, malformed.status_code) == (403, 403, 400)


@pytest.mark.parametrize(
    ("provider", "keys"),
    [("mailgun", {"WEBHOOK_SECRET": SECRET}), ("mandrill", {"WEBHOOK_SECRET": SECRET}), ("amazon_ses", KEYS)],
    ids=["mailgun without its signing key", "mandrill without its key", "amazon_ses (without boto3 here)"],
)
def test_provider_configured_but_incompletely_gets_403_not_500(web, settings, caplog, provider, keys):
    settings.EMAIL_BACKEND = backend(provider)
    settings.ANYMAIL = keys
    headers = auth() | {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification", "HTTP_X_AMZ_SNS_MESSAGE_ID": "1"}
    body = json.dumps({"Type": "Notification", "MessageId": "1", "Message": "{}", "mandrill_events": "[]"})

    with caplog.at_level(logging.ERROR, logger="petitions.tracking.webhook"):
        response = web.post(f"/anymail/{provider}/tracking/", body, content_type="application/json", **headers)

    if provider == "amazon_ses" and "boto3" not in caplog.text:
        pytest.skip("boto3 is installed: Amazon SES is configured completely here")
    assert response.status_code == 403
    assert "not configured correctly" in caplog.text


def test_amazon_ses_challenges_a_request_without_credentials_as_sns_needs(web, settings):
    settings.EMAIL_BACKEND = backend("amazon_ses")
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}

    response = web.post("/anymail/amazon_ses/tracking/", "{}", content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


ODD_BODIES = [
    b"",
    b"{",
    b"}",
    b"null",
    b"[]",
    b"{}",
    b"[{}]",
    b"[null]",
    b'"x"',
    b"1",
    b"1e999",
    b"\xff\xfe\x00",
    b"garbage",
    b"[" * 5000,
    b"a=1&b&=&%zz",
    b'{"signature": null, "event-data": null}',
    b'{"signature": {"token": 1, "timestamp": [], "signature": {}}}',
    b'{"RecordType": "Bounce"}',
    b'{"RecordType": "Delivery", "MessageID": [], "DeliveredAt": "not a date"}',
    b'{"RecordType": "Bounce", "MessageID": {}, "Type": 5, "BouncedAt": 12, "Email": []}',
    b'[{"event": "bounce", "sg_message_id": {}, "timestamp": "x"}]',
    b'[{"event": "bounce", "time": "x", "MessageID": null, "email": 5}]',
    b'{"event": "hard_bounce", "date": "garbage", "message-id": 5, "email": {}}',
    b'{"Type": "Notification", "MessageId": "1", "Message": "not json"}',
    b'{"mandrill_events": "["}',
    b'{"type": "email.bounced", "data": null}',
    b'{"event": {"event_name": 5}, "payload": {"message": null}}',
    b'{"events_by_user": [{"events": [{"event_name": "transactional_email_status"}]}]}',
    json.dumps(DELIVERY | {"MessageID": None}).encode(),
    json.dumps(DELIVERY | {"DeliveredAt": None, "Recipient": None}).encode(),
    json.dumps([DELIVERY] * 3).encode(),
]
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "",
    "application/json; charset=bogus",
]
METHODS = ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE"]


def odd_requests():
    """(method, body, content type, headers): every odd body with the right credentials (the ones
    that reach the provider's parser), a few with none or wrong ones, and every other method."""
    for index, body in enumerate(ODD_BODIES):
        for content_type in ("application/json", CONTENT_TYPES[1 + index % (len(CONTENT_TYPES) - 1)]):
            yield "POST", body, content_type, auth()
        yield "POST", body, "application/json", auth("outcry-hooks:guessed") if index % 2 else {}
    for method in METHODS:
        yield method, b"{}", "application/json", auth()


@pytest.mark.parametrize("provider", sorted(TRACKING_VIEWS))
def test_odd_requests_never_get_a_500(web, settings, provider):
    settings.EMAIL_BACKEND = backend(provider)
    settings.ANYMAIL = KEYS
    url = f"/anymail/{provider}/tracking/"
    headers = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification", "HTTP_X_AMZ_SNS_MESSAGE_ID": "1"}

    answers = [
        web.generic(method, url, body, content_type=content_type, **headers, **credentials).status_code
        for method, body, content_type, credentials in odd_requests()
    ]

    assert len(answers) == 3 * len(ODD_BODIES) + len(METHODS)
    assert [status for status in answers if status >= 500] == []
    assert set(answers) <= {200, 400, 401, 403, 405}
