"""Provider webhooks: real payloads to the real URLs move letters forward, once, and never back.

Payloads follow the providers' documented formats, as anymail's own tests do; Mailgun's are signed
with its webhook signing key, and every request carries (or deliberately lacks) the basic auth of
ANYMAIL_WEBHOOK_SECRET.
"""

import base64
import hashlib
import hmac
import json
import uuid
from itertools import product

import pytest
from django.core import mail
from django.db.models import Sum
from django.test import Client, override_settings

from campaigns.models import Campaign, Target
from petitions.delivery.sending import mark_sent
from petitions.enums import DeliveryStatus
from petitions.models import CounterShard, Delivery, TrackingEvent
from petitions.reporting.counters import recount_campaign
from petitions.tracking.events import Kind, next_status
from tests.factories import SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "outcry-hooks:correct-horse-battery-staple"
MAILGUN_SIGNING_KEY = "mailgun-webhook-signing-key-0123456789"
MAILGUN_URL = "/anymail/mailgun/tracking/"
POSTMARK_URL = "/anymail/postmark/tracking/"
# Only the webhook of the provider in EMAIL_BACKEND is open (petitions/tracking/webhook.py).
BACKENDS = {
    MAILGUN_URL: "anymail.backends.mailgun.EmailBackend",
    POSTMARK_URL: "anymail.backends.postmark.EmailBackend",
}
CAMPAIGN_NAME = "Free the Workers' Table four"


def basic_auth(credentials: str = WEBHOOK_SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def post(client: Client, url: str, payload: dict, **headers):
    """Posts as the provider of `url` does, with that provider configured to send."""
    with override_settings(EMAIL_BACKEND=BACKENDS[url]):
        return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def to_postmark(client: Client, payload: dict):
    """Posts as Postmark does, with the configured basic auth in the webhook URL."""
    return post(client, POSTMARK_URL, payload, **basic_auth())


def mailgun_payload(event_data: dict, *, token: str | None = None, key: str = MAILGUN_SIGNING_KEY) -> dict:
    """A Mailgun webhook body, signed as Mailgun signs it: HMAC-SHA256 of timestamp + token."""
    token = token or uuid.uuid4().hex
    timestamp = "1795935600"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event_data}


def mailgun_event(event: str, *, message_id: str, recipient: str, **fields) -> dict:
    return {
        "event": event,
        "id": uuid.uuid4().hex[:22],
        "timestamp": 1795935600.123456,
        "log-level": "info",
        "recipient": recipient,
        "message": {
            "headers": {
                "to": recipient,
                "message-id": message_id.strip("<>"),
                "from": "Bob Builder via Outcry <letters@outcry.example.org>",
                "subject": "Release the jailed trade unionists",
            },
            "attachments": [],
            "size": 2145,
        },
        "tags": [],
        "user-variables": {},
        **fields,
    }


def postmark_bounce(*, message_id: str, email: str, kind: str = "HardBounce", bounce_id: int = 4323372036854775807):
    return {
        "RecordType": "Bounce",
        "ID": bounce_id,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": message_id,
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "letters@outcry.example.org",
        "BouncedAt": "2026-11-29T07:10:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Release the jailed trade unionists",
        "Metadata": {},
    }


def postmark_delivery(*, message_id: str, email: str, at: str = "2026-11-29T07:05:54.9070259Z") -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": email,
        "Tag": "",
        "DeliveredAt": at,
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": {},
    }


def postmark_complaint(*, message_id: str, email: str) -> dict:
    return postmark_bounce(message_id=message_id, email=email, kind="SpamComplaint", bounce_id=42) | {
        "RecordType": "SpamComplaint",
        "Name": "Spam complaint",
        "Description": "The subscriber explicitly marked this message as spam.",
        "Details": "Test spam complaint details",
    }


def emails_sent(campaign: Campaign) -> int:
    return CounterShard.objects.filter(campaign=campaign).aggregate(total=Sum("emails_sent"))["total"] or 0


def send_letter(campaign: Campaign, target: Target, message_id: str) -> Delivery:
    """A letter as the worker leaves it: claimed, then recorded sent with the provider's id and counted."""
    delivery = Delivery.objects.create(
        campaign=campaign,
        signature=SignatureFactory(campaign=campaign),
        target=target,
        status=DeliveryStatus.SENDING,
        subject="Release the jailed trade unionists",
        body="Dear Presidential Administration, ...",
    )
    mark_sent(delivery=delivery, message_id=message_id)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture(autouse=True)
def _anymail_webhooks(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    settings.SITE_URL = "https://outcry.example.org"


@pytest.fixture
def named_campaign(campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(name=CAMPAIGN_NAME)
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def target(named_campaign) -> Target:
    return named_campaign.targets.get()


@pytest.fixture
def mailgun_letter(named_campaign, target) -> Delivery:
    return send_letter(named_campaign, target, "<20261129070500.1.4C6F1A2B3D@mg.outcry.example.org>")


@pytest.fixture
def postmark_letter(named_campaign, target) -> Delivery:
    return send_letter(named_campaign, target, "883953f4-6105-42a2-a16a-77a8eac79483")


@pytest.fixture
def notified_organisation(named_campaign):
    organisation = named_campaign.organisation
    organisation.notify_email = "alerts@union.example.org"
    organisation.save(update_fields=["notify_email"])
    return organisation


def test_mailgun_delivered_event_marks_the_letter_delivered(client, mailgun_letter, target):
    payload = mailgun_payload(
        mailgun_event(
            "delivered",
            message_id=mailgun_letter.message_id,
            recipient=target.email,
            **{"delivery-status": {"code": 250, "message": "OK", "description": "", "attempt-no": 1}},
        )
    )

    response = post(client, MAILGUN_URL, payload, **basic_auth())

    assert response.status_code == 200
    mailgun_letter.refresh_from_db()
    assert mailgun_letter.status == DeliveryStatus.DELIVERED
    [event] = TrackingEvent.objects.all()
    assert (event.delivery_id, event.provider, event.event_type) == (mailgun_letter.pk, "Mailgun", "delivered")
    assert event.event_id == payload["signature"]["token"]
    assert event.outcome == "sent -> delivered."
    assert emails_sent(mailgun_letter.campaign) == 1


def test_mailgun_event_with_a_wrong_signature_is_refused(client, mailgun_letter, target):
    event = mailgun_event("failed", message_id=mailgun_letter.message_id, recipient=target.email, severity="permanent")
    payload = mailgun_payload(event, key="not-the-signing-key")

    response = post(client, MAILGUN_URL, payload, **basic_auth())

    assert response.status_code == 403
    mailgun_letter.refresh_from_db()
    assert mailgun_letter.status == DeliveryStatus.SENT
    assert not TrackingEvent.objects.exists()


def test_mailgun_event_without_basic_auth_is_refused(client, mailgun_letter, target):
    event = mailgun_event("failed", message_id=mailgun_letter.message_id, recipient=target.email, severity="permanent")

    response = post(client, MAILGUN_URL, mailgun_payload(event))

    assert response.status_code == 403
    mailgun_letter.refresh_from_db()
    assert mailgun_letter.status == DeliveryStatus.SENT
    assert not TrackingEvent.objects.exists()


def test_postmark_event_without_basic_auth_is_refused(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    response = post(client, POSTMARK_URL, payload)

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active is True
    assert not TrackingEvent.objects.exists()


def test_postmark_event_with_a_wrong_password_is_refused(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    response = post(client, POSTMARK_URL, payload, **basic_auth("outcry-hooks:guessed"))

    assert response.status_code == 403
    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.SENT


def test_postmark_event_is_refused_when_no_webhook_secret_is_configured(client, settings, postmark_letter, target):
    settings.ANYMAIL = {}
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    response = post(client, POSTMARK_URL, payload)

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active is True
    assert not TrackingEvent.objects.exists()


def test_postmark_hard_bounce_marks_the_letter_bounced_and_uncounts_it(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    response = to_postmark(client, payload)

    assert response.status_code == 200
    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.BOUNCED
    assert postmark_letter.last_error == (
        "Postmark: The server was unable to deliver your message (ex: unknown user, mailbox not found).; "
        "smtp;550 5.1.1 The email account that you tried to reach does not exist."
    )
    assert emails_sent(postmark_letter.campaign) == 0
    assert recount_campaign(campaign_id=postmark_letter.campaign_id).emails_sent_drift == 0


def test_postmark_hard_bounce_deactivates_the_target(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    to_postmark(client, payload)

    target.refresh_from_db()
    assert target.is_active is False
    assert target.bounced_at is not None
    assert target.bounce_reason == Delivery.objects.get(pk=postmark_letter.pk).last_error
    [event] = TrackingEvent.objects.all()
    assert event.outcome == "sent -> bounced, no longer counted; target deactivated, organisers told."


def test_hard_bounce_alerts_the_organisers_exactly_once(
    client, django_capture_on_commit_callbacks, notified_organisation, named_campaign, target, postmark_letter
):
    second_letter = send_letter(named_campaign, target, "0a1b2c3d-6105-42a2-a16a-77a8eac79483")
    first = postmark_bounce(message_id=postmark_letter.message_id, email=target.email, bounce_id=1)
    second = postmark_bounce(message_id=second_letter.message_id, email=target.email, bounce_id=2)

    with django_capture_on_commit_callbacks(execute=True):
        to_postmark(client, first)
        to_postmark(client, first)
        to_postmark(client, second)

    [alert] = mail.outbox
    assert alert.subject == f"Outcry: letters to Presidential Administration bounce ({CAMPAIGN_NAME})"
    assert alert.to == ["alerts@union.example.org"]
    assert alert.from_email == "Outcry <letters@outcry.example.org>"  # the sending address, under the site's name
    assert f'your campaign "{CAMPAIGN_NAME}" refuses our letters' in alert.body
    assert f"Target: Presidential Administration, Head of Administration <{target.email}>" in alert.body
    assert (
        "Reason given by Postmark: Postmark: The server was unable to deliver your message "
        "(ex: unknown user, mailbox not found).; smtp;550 5.1.1 The email account that you tried to reach "
        "does not exist." in alert.body
    )
    assert f"https://outcry.example.org/admin/campaigns/campaign/{named_campaign.pk}/change/" in alert.body
    assert Delivery.objects.filter(status=DeliveryStatus.BOUNCED).count() == 2


def test_bounce_alert_goes_to_every_member_without_a_notify_email(
    client, django_capture_on_commit_callbacks, django_user_model, alice, named_campaign, postmark_letter, target
):
    carol = django_user_model.objects.create_user("carol", "carol@union.example.org", "carol-password-123")
    named_campaign.organisation.members.add(carol)
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    with django_capture_on_commit_callbacks(execute=True):
        to_postmark(client, payload)

    [alert] = mail.outbox
    assert alert.to == ["alice@union.example.org", "carol@union.example.org"]


def test_same_event_twice_is_processed_once(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email)

    first = to_postmark(client, payload)
    second = to_postmark(client, payload)

    assert (first.status_code, second.status_code) == (200, 200)
    assert TrackingEvent.objects.count() == 1
    assert emails_sent(postmark_letter.campaign) == 0


def test_event_without_an_event_id_is_processed_once(client, postmark_letter, target):
    payload = postmark_delivery(message_id=postmark_letter.message_id, email=target.email)

    to_postmark(client, payload)
    to_postmark(client, payload)

    [event] = TrackingEvent.objects.all()
    assert event.event_id == ""
    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.DELIVERED


def test_late_delivered_event_does_not_undo_a_bounce(client, postmark_letter, target):
    to_postmark(client, postmark_bounce(message_id=postmark_letter.message_id, email=target.email))

    response = to_postmark(client, postmark_delivery(message_id=postmark_letter.message_id, email=target.email))

    assert response.status_code == 200
    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.BOUNCED
    assert emails_sent(postmark_letter.campaign) == 0
    late = TrackingEvent.objects.get(event_type="delivered")
    assert late.outcome == "No change: the letter stays bounced."


def test_bounce_after_delivery_uncounts_the_letter(client, postmark_letter, target):
    to_postmark(client, postmark_delivery(message_id=postmark_letter.message_id, email=target.email))

    to_postmark(client, postmark_bounce(message_id=postmark_letter.message_id, email=target.email))

    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.BOUNCED
    assert emails_sent(postmark_letter.campaign) == 0


def test_complaint_after_delivery_marks_the_letter_complained_and_keeps_it_counted(client, postmark_letter, target):
    to_postmark(client, postmark_delivery(message_id=postmark_letter.message_id, email=target.email))

    to_postmark(client, postmark_complaint(message_id=postmark_letter.message_id, email=target.email))

    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.COMPLAINED
    assert emails_sent(postmark_letter.campaign) == 1
    target.refresh_from_db()
    assert target.is_active is True


def test_mailgun_temporary_failure_is_recorded_without_a_status_change(client, mailgun_letter, target):
    event = mailgun_event(
        "failed",
        message_id=mailgun_letter.message_id,
        recipient=target.email,
        severity="temporary",
        reason="generic",
        **{"delivery-status": {"code": 452, "message": "4.2.2 The mailbox is full.", "description": ""}},
    )

    post(client, MAILGUN_URL, mailgun_payload(event), **basic_auth())

    mailgun_letter.refresh_from_db()
    assert mailgun_letter.status == DeliveryStatus.SENT
    [recorded] = TrackingEvent.objects.all()
    assert (recorded.event_type, recorded.mta_response) == ("deferred", "4.2.2 The mailbox is full.")
    target.refresh_from_db()
    assert target.is_active is True


def test_mailgun_permanent_failure_is_a_hard_bounce(client, mailgun_letter, target):
    event = mailgun_event(
        "failed",
        message_id=mailgun_letter.message_id,
        recipient=target.email,
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 No such user", "description": ""}},
    )

    post(client, MAILGUN_URL, mailgun_payload(event), **basic_auth())

    mailgun_letter.refresh_from_db()
    assert mailgun_letter.status == DeliveryStatus.BOUNCED
    target.refresh_from_db()
    assert (target.is_active, target.bounce_reason) == (False, "Mailgun: 5.1.1 No such user")


def test_rejection_for_an_invalid_address_is_a_hard_bounce(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email, kind="BadEmailAddress")

    to_postmark(client, payload)

    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.BOUNCED
    target.refresh_from_db()
    assert target.is_active is False


def test_rejection_by_provider_policy_fails_the_letter_and_keeps_the_target(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email=target.email, kind="DMARCPolicy")

    to_postmark(client, payload)

    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.FAILED
    assert emails_sent(postmark_letter.campaign) == 0
    target.refresh_from_db()
    assert target.is_active is True


def test_event_about_another_recipient_changes_nothing(client, postmark_letter, target):
    payload = postmark_bounce(message_id=postmark_letter.message_id, email="copies@union.example.org")

    to_postmark(client, payload)

    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.SENT
    target.refresh_from_db()
    assert target.is_active is True
    [event] = TrackingEvent.objects.all()
    assert (event.description, event.mta_response) == ("", "")
    assert event.outcome == "No change: about another recipient of the same message."


def test_event_for_an_unknown_message_is_ignored(client, postmark_letter, target):
    payload = postmark_bounce(message_id=str(uuid.uuid4()), email="bob@example.net")

    response = to_postmark(client, payload)

    assert response.status_code == 200
    assert not TrackingEvent.objects.exists()
    postmark_letter.refresh_from_db()
    assert postmark_letter.status == DeliveryStatus.SENT


def test_event_for_a_letter_still_being_recorded_asks_the_provider_to_retry(named_campaign):
    target = TargetFactory(campaign=named_campaign)
    Delivery.objects.create(
        campaign=named_campaign,
        signature=SignatureFactory(campaign=named_campaign),
        target=target,
        status=DeliveryStatus.SENDING,
    )
    payload = postmark_bounce(message_id=str(uuid.uuid4()), email=target.email.upper())

    response = post(Client(raise_request_exception=False), POSTMARK_URL, payload, **basic_auth())

    assert response.status_code == 503
    assert response["Retry-After"]
    assert not TrackingEvent.objects.exists()
    target.refresh_from_db()
    assert target.is_active is True


FORWARD = {
    (DeliveryStatus.SENT, Kind.DELIVERED): DeliveryStatus.DELIVERED,
    (DeliveryStatus.SENT, Kind.COMPLAINED): DeliveryStatus.COMPLAINED,
    (DeliveryStatus.DELIVERED, Kind.COMPLAINED): DeliveryStatus.COMPLAINED,
    (DeliveryStatus.SENT, Kind.HARD_BOUNCE): DeliveryStatus.BOUNCED,
    (DeliveryStatus.DELIVERED, Kind.HARD_BOUNCE): DeliveryStatus.BOUNCED,
    (DeliveryStatus.SENT, Kind.REFUSED): DeliveryStatus.FAILED,
}


@pytest.mark.parametrize(("status", "kind"), list(product(DeliveryStatus.values, Kind)))
def test_next_status_moves_only_forward(status, kind):
    assert next_status(status, kind) == FORWARD.get((status, kind))


def test_delivery_admin_page_shows_the_tracking_events(admin_client, client, postmark_letter, target):
    to_postmark(client, postmark_bounce(message_id=postmark_letter.message_id, email=target.email))

    response = admin_client.get(f"/admin/petitions/delivery/{postmark_letter.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "sent -&gt; bounced, no longer counted; target deactivated, organisers told." in page
    assert "smtp;550 5.1.1 The email account that you tried to reach does not exist." in page
