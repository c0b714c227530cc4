"""Signer receipts: a private emailed link to each letter's progress, capped per address and day."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from campaigns.enums import DeliveryMode
from petitions.delivery.digests import compose_digests
from petitions.delivery.sending import send_delivery
from petitions.mail.caps import take_mail_slot
from petitions.models import Delivery, Signature
from petitions.signing import receipts, service
from petitions.signing.service import sign_petition
from tests.factories import live_campaign, receipt_token

pytestmark = pytest.mark.django_db

BOB = {
    "first_name": "Bob",
    "last_name": "Builder",
    "email": "bob@example.net",
    "country": "GB",
    "wants_receipt": True,
}


@pytest.fixture
def bob(campaign) -> Signature:
    return sign_petition(campaign=campaign, data=BOB, language="en", client_ip=None)


def receipt_path(message) -> str:
    return re.search(r"http://[^/\s]+(/c/\S+/receipt/\S+/)", message.body).group(1)


def test_receipt_email_goes_to_the_signer_with_a_private_link(bob):
    receipts.send_receipt(signature_id=bob.pk)

    [message] = mail.outbox
    assert message.to == ["bob@example.net"]
    assert message.subject == "Follow your letters: Free the Workers' Table four"
    assert message.body.startswith("Hello Bob,\n\nthank you for signing “Free the Workers' Table four”.")
    assert receipt_path(message).startswith(f"/c/{bob.campaign.slug}/receipt/")


def test_receipt_page_follows_the_letter_from_queued_to_sent(client, bob):
    receipts.send_receipt(signature_id=bob.pk)
    path = receipt_path(mail.outbox[0])

    queued = client.get(path).content.decode()
    send_delivery(delivery_id=Delivery.objects.get(signature=bob).pk)
    sent = client.get(path).content.decode()

    assert "Presidential Administration" in queued
    assert '<td data-status="queued">' in queued
    assert '<td data-status="sent">' in sent


def test_receipt_page_shows_nothing_of_the_signer_and_is_never_stored(client, bob):
    response = client.get(f"/c/{bob.campaign.slug}/receipt/{receipt_token(bob)}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert [word for word in ("Bob", "Builder", "example.net") if word in page] == []
    assert bob.campaign.targets.get().email not in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_receipt_link_forged_or_for_another_campaign_is_not_found(client, bob):
    other = sign_petition(
        campaign=live_campaign(organisation=bob.campaign.organisation), data=BOB, language="en", client_ip=None
    )

    forged = client.get(f"/c/{bob.campaign.slug}/receipt/{receipt_token(bob)}x/")
    elsewhere = client.get(f"/c/{bob.campaign.slug}/receipt/{receipt_token(other)}/")

    assert (forged.status_code, elsewhere.status_code) == (404, 404)


def test_receipt_link_expires(client, bob, monkeypatch):
    path = f"/c/{bob.campaign.slug}/receipt/{receipt_token(bob)}/"
    in_two_years = time.time() + 2 * 365 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: in_two_years)

    assert client.get(path).status_code == 404


def test_repeat_signer_asking_for_a_receipt_gets_it_for_the_stored_signature(
    bob, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(service, "enqueue_receipt", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(service.AlreadySigned):
        sign_petition(campaign=bob.campaign, data=BOB | {"email": " BOB@Example.NET"}, language="en", client_ip=None)

    assert enqueued == [bob.pk]


def test_signer_who_did_not_ask_gets_no_receipt(campaign, django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    monkeypatch.setattr(service, "enqueue_receipt", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(campaign=campaign, data=BOB | {"wants_receipt": False}, language="en", client_ip=None)

    assert enqueued == []


@override_settings(SIGNER_MAIL_DAILY_CAP=3)
def test_receipts_to_one_address_are_capped_per_day(bob):
    sent_today = [receipts.send_receipt(signature_id=bob.pk) for _ in range(5)]

    assert sent_today == [True, True, True, False, False]
    assert len(mail.outbox) == 3
    assert take_mail_slot(email_hash=bob.email_hash, now=timezone.now() + timedelta(days=1))


def test_receipt_in_digest_mode_shows_the_digest_that_named_the_signer(campaign):
    campaign.delivery_mode = DeliveryMode.DIGEST
    campaign.save()
    bob = sign_petition(campaign=campaign, data=BOB, language="en", client_ip=None)
    before = receipts.letter_progress(bob)
    compose_digests(now=timezone.now() + timedelta(days=1))
    send_delivery(delivery_id=Delivery.objects.get(signature=None).pk, now=timezone.now() + timedelta(days=1))

    after = receipts.letter_progress(bob)

    assert [(p.status, p.in_digest) for p in before] == [("batched", True)]
    assert [(p.status, p.in_digest, p.sent_at is not None) for p in after] == [("sent", True, True)]


def test_thanks_page_names_the_targets_and_is_the_same_for_everyone(client, campaign, bob_form):
    first = client.post(f"/c/{campaign.slug}/", bob_form | {"wants_receipt": "on"}, follow=True)
    cache.clear()  # the thank-you page is cached whole for a moment; render it anew
    again = client.post(f"/c/{campaign.slug}/", bob_form, follow=True)

    assert first.content == again.content
    assert "The letters go to" in first.content.decode()
    assert "Presidential Administration, Head of Administration" in first.content.decode()


def test_held_signature_gets_no_receipt(campaign, django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    monkeypatch.setattr(service, "enqueue_receipt", enqueued.append)
    bot = BOB | {"homepage": "http://spam.example"}  # the honeypot field a person never sees

    with django_capture_on_commit_callbacks(execute=True):
        signature = sign_petition(campaign=campaign, data=bot, language="en", client_ip=None)

    assert signature.status == "held"
    assert enqueued == []
