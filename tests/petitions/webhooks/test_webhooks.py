"""Webhooks: what each event tells (a signer's name and address only with their consent), that
each is stored once, and how a real receiver on loopback sees them: signed, retried, given up."""

import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.delivery.sending import send_delivery
from petitions.enums import WebhookDeliveryStatus, WebhookFormat
from petitions.models import Delivery, Response, TrackingEvent, WebhookDelivery, WebhookEndpoint
from petitions.reporting.notices import notify_milestones
from petitions.signing.service import sign_petition
from petitions.webhooks import collecting, posting, signed
from petitions.webhooks.destinations import DestinationRefused, check_url
from tests.twofactor import verified_login
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "developers" / "webhooks.md"
BOB = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}
CAROL = {"first_name": "Carolina", "last_name": "Quietly", "email": "carolina.q@example.net", "country": "AZ"}
ALL_EVENTS = [event for event, _ in collecting.EVENT_LABELS]


def documented_verifier():
    """The receiver's check exactly as docs/developers/webhooks.md prints it."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own documentation
    return namespace["verify_outcry_signature"]


def endpoint_for(campaign, *, url="https://hooks.example.org/in", events=ALL_EVENTS, **fields) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        organisation=campaign.organisation, campaign=campaign, name="CRM", url=url, events=events, **fields
    )
    # As if added a minute ago: the events below happen after it.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    endpoint.refresh_from_db()
    return endpoint


def sign(campaign, data, *, consent: bool):
    return sign_petition(campaign=campaign, data=data | {"consent_to_contact": consent}, language="en", client_ip=None)


def bodies(endpoint, event=None) -> list[dict]:
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")
    return [json.loads(row.body) for row in rows if event is None or row.event == event]


# Signing


@pytest.mark.unit
def test_the_signature_verifies_with_the_documented_snippet_and_only_for_these_bytes():
    verify = documented_verifier()
    body = b'{"type":"test"}'
    header = signed.sign("whsec_abc", int(time.time()), body)

    assert verify("whsec_abc", header, body)
    assert signed.verify("whsec_abc", header, body)
    assert not verify("whsec_abc", header, body + b" ")
    assert not verify("whsec_other", header, body)
    stale = signed.sign("whsec_abc", int(time.time()) - 3600, body)
    assert not verify("whsec_abc", stale, body)
    assert not signed.verify("whsec_abc", stale, body)


# Payloads


def test_only_a_signer_who_agreed_to_be_contacted_is_sent_with_name_and_address(campaign):
    endpoint = endpoint_for(campaign)
    sign(campaign, BOB, consent=True)
    sign(campaign, CAROL, consent=False)

    assert collecting.collect_events() == 2

    carol, bob = sorted(bodies(endpoint, "signature.confirmed"), key=lambda b: b["data"]["consented_to_contact"])
    assert bob["data"]["person"] == {
        "first_name": "Bob",
        "last_name": "Builder",
        "email": "bob@example.net",
        "country": "GB",
        "language": "en",
    }
    assert bob["data"]["counts"]["signatures"] == 2
    assert carol["data"]["consented_to_contact"] is False
    assert "person" not in carol["data"]
    raw = WebhookDelivery.objects.get(event_id=carol["id"]).body
    for detail in ("Carolina", "Quietly", "carolina", '"AZ"'):
        assert detail not in raw


def test_the_osdi_format_records_consenting_signers_as_action_network_people_only(campaign):
    endpoint = endpoint_for(campaign, format=WebhookFormat.OSDI, events=["signature.confirmed"])
    sign(campaign, BOB, consent=True)
    sign(campaign, CAROL, consent=False)

    collecting.collect_events()

    (only,) = bodies(endpoint)
    assert only["person"]["given_name"] == "Bob"
    assert only["person"]["family_name"] == "Builder"
    assert only["person"]["email_addresses"] == [{"address": "bob@example.net", "primary": True}]
    assert only["person"]["postal_addresses"] == [{"country": "GB"}]
    assert "outcry:free-the-four" in only["add_tags"]


def test_letters_reports_replies_and_milestones_are_ids_and_counts(campaign, mailoutbox):
    endpoint = endpoint_for(campaign)
    signature = sign(campaign, CAROL, consent=False)
    letter = Delivery.objects.get(signature=signature)
    send_delivery(delivery_id=letter.pk)
    letter.refresh_from_db()
    TrackingEvent.objects.create(delivery=letter, provider="smtp", event_type="bounced", occurred_at=timezone.now())
    Response.objects.create(
        delivery=letter, campaign=campaign, target=letter.target, text="Dear Carolina", dedupe_key="r1"
    )
    campaign.goal = 1
    campaign.save()

    collecting.collect_events()
    notify_milestones()

    events = {body["type"]: body for body in bodies(endpoint)}
    assert set(events) == {
        "signature.confirmed",
        "letter.sent",
        "letter.bounced",
        "response.received",
        "milestone.reached",
    }
    assert events["letter.sent"]["data"]["letter"]["target"] == {"id": letter.target_id, "name": letter.target.name}
    assert events["letter.sent"]["data"]["counts"]["letters_sent"] == 1
    assert events["milestone.reached"]["data"]["milestone"] == {"percent": 100, "goal": 1, "signatures": 1}
    everything = "".join(row.body for row in WebhookDelivery.objects.all())
    for detail in ("Carolina", "Quietly", "carolina"):
        assert detail not in everything


def test_each_event_is_stored_once_however_often_it_is_collected(campaign):
    endpoint = endpoint_for(campaign)
    sign(campaign, BOB, consent=True)

    first = collecting.collect_events()
    again = collecting.collect_events()
    # A later run reads the settle window again, still finding the stored event.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(collected_until=timezone.now() - timedelta(seconds=5))
    later = collecting.collect_events()

    assert (first, again, later) == (1, 0, 0)
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_an_endpoint_hears_only_what_happens_after_it_was_added_and_only_what_it_chose(campaign):
    sign(campaign, BOB, consent=True)
    endpoint = WebhookEndpoint.objects.create(
        organisation=campaign.organisation, name="CRM", url="https://hooks.example.org/in", events=ALL_EVENTS
    )
    letters_only = endpoint_for(campaign, events=["letter.sent"])

    collecting.collect_events()
    sign(campaign, CAROL, consent=False)
    collecting.collect_events()

    assert [body["data"]["consented_to_contact"] for body in bodies(endpoint)] == [False]
    assert bodies(letters_only) == []


def test_an_inactive_endpoint_collects_nothing(campaign):
    endpoint = endpoint_for(campaign, active=False)
    sign(campaign, BOB, consent=True)

    assert collecting.collect_events() == 0
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


# Sending to a real receiver


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def queued_delivery(endpoint) -> WebhookDelivery:
    return collecting.send_test_event(endpoint)


def test_a_delivery_is_posted_signed_and_recorded_sent(campaign, receiver):
    endpoint = endpoint_for(campaign, url=receiver.url, osdi_api_token="an-token")
    delivery = queued_delivery(endpoint)

    assert posting.send_webhook(delivery_id=delivery.pk) == "sent"

    (request,) = receiver.requests
    assert request.delivery == str(delivery.pk)
    assert request.event == "test"
    assert documented_verifier()(endpoint.secret, request.signature, request.body)
    assert {name.lower(): value for name, value in request.headers.items()}["osdi-api-token"] == "an-token"
    assert json.loads(request.body)["type"] == "test"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.SENT
    assert delivery.last_status_code == 200
    assert delivery.body == ""  # sent: the payload is not kept
    assert posting.send_webhook(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_a_500_is_retried_later_with_the_same_body_and_given_up_after_the_last_attempt(campaign, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.script = lambda n: 500
    endpoint = endpoint_for(campaign, url=receiver.url)
    delivery = queued_delivery(endpoint)

    assert posting.send_webhook(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.QUEUED
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=40)
    assert delivery.last_error == "HTTP 500"
    assert posting.send_webhook(delivery_id=delivery.pk) == "skipped"  # not due yet

    for _ in range(2):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        posting.send_webhook(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DEAD
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1

    receiver.script = lambda n: 204
    assert posting.send_again(WebhookDelivery.objects.filter(pk=delivery.pk)) == 1
    assert posting.send_webhook(delivery_id=delivery.pk) == "sent"


def test_a_redirect_is_not_followed(campaign, receiver):
    receiver.script = lambda n: 302
    delivery = queued_delivery(endpoint_for(campaign, url=receiver.url))

    assert posting.send_webhook(delivery_id=delivery.pk) == "retry"
    assert len(receiver.requests) == 1


def test_the_sweeper_puts_back_a_lease_whose_worker_died(campaign, receiver):
    delivery = queued_delivery(endpoint_for(campaign, url=receiver.url))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDeliveryStatus.SENDING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    report = posting.sweep_webhooks()

    assert report.released == 1
    assert posting.send_webhook(delivery_id=delivery.pk) == "sent"


def test_private_addresses_and_plain_http_are_refused_unless_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    for url in ("http://hooks.example.org/in", "https://127.0.0.1/in", "https://10.0.0.7/in", "https://[::1]/"):
        with pytest.raises(DestinationRefused):
            check_url(url)
    with pytest.raises(DestinationRefused):
        check_url("https://user:pw@93.184.215.14/in")
    check_url("https://93.184.215.14/in")
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    check_url("http://127.0.0.1:8000/in")


# Admin


def test_the_secret_is_shown_once_then_masked(campaign, alice, client):
    verified_login(client, alice)
    endpoint = endpoint_for(campaign)
    page = reverse("admin:petitions_webhookendpoint_change", args=[endpoint.pk])

    first = client.get(page).content.decode()
    second = client.get(page).content.decode()

    assert endpoint.secret in first
    assert endpoint.secret not in second
    assert endpoint.secret[-4:] in second


def test_an_organiser_adds_an_endpoint_with_events_as_checkboxes(campaign, alice, client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    verified_login(client, alice)
    add = reverse("admin:petitions_webhookendpoint_add")

    assert 'type="checkbox" name="events" value="letter.bounced"' in client.get(add).content.decode()
    response = client.post(
        add,
        {
            "organisation": campaign.organisation.pk,
            "campaign": campaign.pk,
            "name": "Our CRM",
            "url": "http://127.0.0.1:9/in",
            "format": "outcry",
            "events": ["signature.confirmed", "milestone.reached"],
            "active": "on",
            "deliveries-TOTAL_FORMS": 0,
            "deliveries-INITIAL_FORMS": 0,
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get(name="Our CRM")
    assert endpoint.events == ["signature.confirmed", "milestone.reached"]
    assert endpoint.secret in response.content.decode()  # the page after adding shows it, once


def test_the_osdi_format_refuses_events_it_cannot_carry(campaign, alice, client):
    verified_login(client, alice)
    response = client.post(
        reverse("admin:petitions_webhookendpoint_add"),
        {
            "organisation": campaign.organisation.pk,
            "name": "AN",
            "url": "https://93.184.215.14/in",
            "format": "osdi",
            "events": ["letter.sent"],
        },
    )
    assert "The OSDI format only records signatures" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_erasing_a_signer_deletes_their_events_not_sent_yet(campaign):
    from petitions.privacy.retention import anonymise_campaign

    endpoint = endpoint_for(campaign, events=["signature.confirmed"])
    sign(campaign, BOB, consent=True)
    collecting.collect_events()
    WebhookDelivery.objects.filter(endpoint=endpoint).update(status=WebhookDeliveryStatus.DEAD)

    anonymise_campaign(campaign=campaign)

    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_a_signer_at_risk_is_an_event_only_once_they_confirm(campaign):
    from petitions.signing.confirmations import confirm_signature

    campaign.signers_at_risk = True
    campaign.save()
    endpoint = endpoint_for(campaign, events=["signature.confirmed"])
    signature = sign(campaign, BOB, consent=True)

    assert collecting.collect_events() == 0
    confirm_signature(signature=signature)
    assert collecting.collect_events() == 1
    assert bodies(endpoint)[0]["data"]["person"]["email"] == "bob@example.net"


def test_organisers_send_a_test_event_and_send_given_up_deliveries_again_from_the_admin(campaign, alice, client):
    verified_login(client, alice)
    endpoint = endpoint_for(campaign)

    page = client.post(
        reverse("admin:petitions_webhookendpoint_changelist"),
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "A test event is on its way to 1 webhook" in page.content.decode()
    test = WebhookDelivery.objects.get(endpoint=endpoint, event="test")
    WebhookDelivery.objects.filter(pk=test.pk).update(status=WebhookDeliveryStatus.DEAD, attempts=12)

    dead = client.get(reverse("admin:petitions_webhookdelivery_changelist"), {"dead": "yes"})
    assert f'href="/admin/petitions/webhookdelivery/{test.pk}/change/' in dead.content.decode()
    client.post(
        reverse("admin:petitions_webhookdelivery_changelist"),
        {"action": "send_again", "_selected_action": [test.pk]},
        follow=True,
    )
    test.refresh_from_db()
    assert (test.status, test.attempts) == (WebhookDeliveryStatus.QUEUED, 0)


def test_viewers_and_translators_cannot_reach_webhooks(campaign, alice, client):
    from campaigns.enums import Role
    from campaigns.models import Membership

    endpoint = endpoint_for(campaign)
    verified_login(client, alice)
    for role in (Role.VIEWER, Role.TRANSLATOR):
        Membership.objects.filter(user=alice).update(role=role)
        assert client.get(reverse("admin:petitions_webhookendpoint_changelist")).status_code == 403
        page = client.get(reverse("admin:petitions_webhookendpoint_change", args=[endpoint.pk]), follow=True)
        assert endpoint.secret not in page.content.decode()


def test_a_backlog_is_collected_oldest_first_over_several_runs_with_none_left_out(campaign, settings):
    settings.WEBHOOK_COLLECT_BATCH = 2
    endpoint = endpoint_for(campaign, events=["signature.confirmed"])
    signers = [sign(campaign, BOB | {"email": f"b{n}@example.net"}, consent=False) for n in range(5)]

    runs = [collecting.collect_events() for _ in range(4)]

    assert runs == [2, 2, 1, 0]
    ids = [body["data"]["signature"]["id"] for body in bodies(endpoint)]
    assert ids == [signature.pk for signature in signers]


def test_a_private_address_is_given_up_at_once_and_a_name_that_does_not_resolve_is_retried(campaign, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    private = queued_delivery(endpoint_for(campaign, url="https://10.0.0.7/in"))
    unknown = queued_delivery(endpoint_for(campaign, url="https://no-such-host.invalid/in"))

    assert posting.send_webhook(delivery_id=private.pk) == "dead"
    assert posting.send_webhook(delivery_id=unknown.pk) == "retry"
    private.refresh_from_db()
    assert private.last_error == "This address points into a private network."
