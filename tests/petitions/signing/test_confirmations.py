"""Double opt-in: counted and sent only after the signer presses the button behind the emailed link."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.public import campaign_counters
from petitions.signing import confirmations, service
from petitions.signing.service import sign_petition
from tests.factories import receipt_token

pytestmark = pytest.mark.django_db

BOB = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}


@pytest.fixture
def mailed(monkeypatch):
    """The signer emails sign_petition asks for, as (kind, signature id)."""
    asked = []
    monkeypatch.setattr(service, "enqueue_signer_mail", lambda kind, pk: asked.append((kind, pk)))
    return asked


def confirm_path(message) -> str:
    return re.search(r"http://[^/\s]+(/c/\S+/confirm/\S+/)", message.body).group(1)


@pytest.fixture
def pending(opt_in_campaign) -> Signature:
    signature = sign_petition(campaign=opt_in_campaign, data=BOB, language="en", client_ip=None)
    confirmations.send_confirmation(signature_id=signature.pk)
    return signature


def test_signing_an_opt_in_campaign_stores_a_pending_signature_and_mails_the_link(
    opt_in_campaign, mailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign_petition(campaign=opt_in_campaign, data=BOB, language="en", client_ip=None)

    assert signature.status == SignatureStatus.PENDING
    assert mailed == [("first_confirmation", signature.pk)]
    assert Delivery.objects.count() == 0
    assert campaign_counters(opt_in_campaign).signatures == 0


def test_confirmation_email_carries_the_link(pending):
    [message] = mail.outbox

    assert message.to == ["bob@example.net"]
    assert message.subject == "Please confirm your signature: Free the Workers' Table four"
    assert "The link works for 7 days." in message.body
    assert confirm_path(message).startswith(f"/c/{pending.campaign.slug}/confirm/")


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, pending):
    response = client.get(confirm_path(mail.outbox[0]))

    assert response.status_code == 200
    assert '<button type="submit"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_pressing_the_button_counts_the_signature_and_queues_its_letter(client, pending):
    path = confirm_path(mail.outbox[0])

    response = client.post(path, follow=True)

    assert response.redirect_chain == [(path, 302)]
    assert "your signature is confirmed" in response.content.decode()
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.QUEUED]
    assert campaign_counters(pending.campaign).signatures == 1


def test_confirming_twice_counts_once(client, pending):
    path = confirm_path(mail.outbox[0])

    client.post(path)
    client.post(path)

    assert Delivery.objects.count() == 1
    assert campaign_counters(pending.campaign).signatures == 1


def test_confirmation_link_expires(client, pending, monkeypatch):
    path = confirm_path(mail.outbox[0])
    in_eight_days = time.time() + 8 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: in_eight_days)

    assert client.post(path).status_code == 404
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_a_receipt_link_cannot_confirm(client, pending):
    response = client.post(f"/c/{pending.campaign.slug}/confirm/{receipt_token(pending)}/")

    assert response.status_code == 404
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_a_held_signature_is_neither_mailed_nor_confirmable(opt_in_campaign, mailed):
    held = sign_petition(
        campaign=opt_in_campaign, data=BOB | {"homepage": "http://spam.example"}, language="en", client_ip=None
    )

    assert confirmations.send_confirmation(signature_id=held.pk) is False
    assert confirmations.confirm_signature(signature=held) is False
    assert Signature.objects.get().status == SignatureStatus.HELD


def test_signing_again_while_pending_mails_the_link_again_within_the_cap(
    opt_in_campaign, mailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign_petition(campaign=opt_in_campaign, data=BOB, language="en", client_ip=None)
        with pytest.raises(service.AlreadySigned):
            sign_petition(campaign=opt_in_campaign, data=BOB, language="en", client_ip=None)

    assert mailed == [("first_confirmation", signature.pk), ("confirmation", signature.pk)]


@override_settings(SIGNER_MAIL_DAILY_CAP=2)
def test_confirmation_emails_to_one_address_are_capped(pending):
    again = [confirmations.send_confirmation(signature_id=pending.pk) for _ in range(3)]

    assert again == [True, False, False]
    assert len(mail.outbox) == 2


def test_unconfirmed_signatures_are_deleted_after_the_expiry(pending):
    kept = confirmations.forget_unconfirmed(now=timezone.now() + timedelta(days=6))
    deleted = confirmations.forget_unconfirmed(now=timezone.now() + timedelta(days=8))

    assert (kept, deleted) == (0, 1)
    assert not Signature.objects.exists()


def test_thanks_page_of_an_opt_in_campaign_asks_to_confirm(client, opt_in_campaign, bob_form):
    response = client.post(f"/c/{opt_in_campaign.slug}/", bob_form, follow=True)

    assert "One more step: once your signature has passed our checks, we email you a link" in response.content.decode()
