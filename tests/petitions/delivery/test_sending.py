"""Claim, render once, send, record: the letter a target receives, and what happens on failure."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from petitions.delivery.sending import send_delivery
from petitions.delivery.sweep import sweep_deliveries
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.mail.letters import letter_message_id
from petitions.models import Delivery
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition

pytestmark = pytest.mark.django_db

BOB = {
    "first_name": "Bob",
    "last_name": "Builder",
    "email": "bob@example.net",
    "country": "GB",
    "city": "Leeds",
    "organisation": "Unite",
    "message": "Free them <b>now</b>.",
}


class FailingBackend(BaseEmailBackend):
    """Stands in for an SMTP server that answers with the error a test sets."""

    error: Exception | None = None

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def delivery(campaign):
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip="198.51.100.1")
    return Delivery.objects.get()


def test_send_delivery_sends_the_exact_letter(delivery):
    result = send_delivery(delivery_id=delivery.pk)

    assert result.status == DeliveryStatus.SENT
    [letter] = mail.outbox
    assert letter.subject == "Release the jailed trade unionists"
    assert letter.from_email == "Bob Builder via Outcry <letters@outcry.example.org>"
    assert letter.to == ["Presidential Administration <" + delivery.target.email + ">"]
    assert letter.body == (
        "Dear Presidential Administration,\n\nRelease the four trade unionists.\n\n"
        "Free them <b>now</b>.\n\nYours,\nBob Builder\nUnite, Leeds, United Kingdom\n"
    )
    html, mimetype = letter.alternatives[0]
    assert mimetype == "text/html"
    assert "Free them &lt;b&gt;now&lt;/b&gt;." in html
    assert letter.extra_headers["Message-ID"] == letter_message_id(delivery.pk)
    assert "bob@example.net" not in letter.message().as_string()


def test_send_delivery_records_sent_and_counts_it(delivery):
    send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None
    assert delivery.message_id == letter_message_id(delivery.pk)
    assert delivery.subject == "Release the jailed trade unionists"
    assert campaign_counters(delivery.campaign).emails_sent == 1


def test_send_delivery_twice_sends_once(delivery):
    send_delivery(delivery_id=delivery.pk)
    second = send_delivery(delivery_id=delivery.pk)

    assert second.status == "skipped"
    assert len(mail.outbox) == 1


def test_send_delivery_keeps_the_text_it_rendered_when_the_template_changes(delivery):
    delivery.campaign.templates.update(letter_subject="Edited subject")
    Delivery.objects.filter(pk=delivery.pk).update(subject="Original subject", body="Original body\n")

    send_delivery(delivery_id=delivery.pk)

    assert mail.outbox[0].subject == "Original subject"
    assert mail.outbox[0].body == "Original body\n"


def test_send_delivery_flattens_line_breaks_in_headers(campaign):
    sign_petition(
        campaign=campaign,
        data=BOB | {"first_name": "Bob\r\nBcc: victim@example.org", "last_name": "X\u2028Y"},
        language="en",
        client_ip=None,
    )
    delivery = Delivery.objects.get()

    send_delivery(delivery_id=delivery.pk)

    message = mail.outbox[0].message()
    headers = message.as_string().split("\n\n", 1)[0]
    assert message["Bcc"] is None
    assert "\nBcc:" not in headers
    # Folded to one line, and the address typed into the name is gone from the display name.
    assert mail.outbox[0].from_email == '"Bob Bcc: X Y via Outcry" <letters@outcry.example.org>'


def test_send_delivery_uses_the_target_language_template(campaign):
    from tests.factories import MessageTemplateFactory

    MessageTemplateFactory(
        campaign=campaign, language="ru", letter_subject="Освободите их", letter_body="{signer_country}"
    )
    campaign.targets.update(language="ru")
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip=None)

    send_delivery(delivery_id=Delivery.objects.get().pk)

    assert mail.outbox[0].subject == "Освободите их"
    assert mail.outbox[0].body == "Великобритания\n"


@override_settings(EMAIL_BACKEND="tests.petitions.delivery.test_sending.FailingBackend")
def test_transient_smtp_error_requeues_with_backoff(delivery):
    FailingBackend.error = smtplib.SMTPDataError(451, b"4.7.1 Try again later")
    before = timezone.now()

    result = send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert result.status == "retry"
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at >= before + timedelta(seconds=20)
    assert delivery.last_error == "SMTP 451: 4.7.1 Try again later"
    assert delivery.subject == "Release the jailed trade unionists"  # the retry resends this text
    assert send_delivery(delivery_id=delivery.pk).status == "skipped"  # not due yet


@override_settings(EMAIL_BACKEND="tests.petitions.delivery.test_sending.FailingBackend")
def test_refused_recipient_fails_at_once(delivery):
    FailingBackend.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 No such mailbox")})

    send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Recipient refused: 550 5.1.1 No such mailbox"
    assert campaign_counters(delivery.campaign).emails_sent == 0


@override_settings(EMAIL_BACKEND="tests.petitions.delivery.test_sending.FailingBackend", DELIVERY_MAX_ATTEMPTS=1)
def test_transient_error_fails_after_the_last_attempt(delivery):
    FailingBackend.error = ConnectionRefusedError("Connection refused")

    send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "ConnectionRefusedError: Connection refused"


def test_rejected_signature_letter_is_cancelled(delivery):
    delivery.signature.status = SignatureStatus.REJECTED
    delivery.signature.save()

    send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    assert mail.outbox == []


def test_sweeper_releases_expired_leases(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    report = sweep_deliveries()

    delivery.refresh_from_db()
    assert report.released == 1
    assert delivery.status == DeliveryStatus.QUEUED
    assert report.enqueued == 1  # and it goes straight back to the broker


def test_sweeper_enqueues_only_rows_whose_message_was_lost(campaign, django_capture_on_commit_callbacks):
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip=None)
    sign_petition(campaign=campaign, data=BOB | {"email": "second@example.net"}, language="en", client_ip=None)
    lost, _recent = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=lost.pk).update(enqueued_at=timezone.now() - timedelta(minutes=10))

    with django_capture_on_commit_callbacks() as callbacks:
        report = sweep_deliveries()

    assert report.enqueued == 1
    assert len(callbacks) == 1
    lost.refresh_from_db()
    assert lost.enqueued_at > timezone.now() - timedelta(seconds=5)


def test_sweeper_leaves_future_retries_alone(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        enqueued_at=None, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    assert sweep_deliveries().enqueued == 0


def test_letter_that_cannot_be_rendered_is_retried_not_stuck(delivery):
    delivery.campaign.templates.all().delete()

    result = send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert result.status == "retry"
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.last_error == (
        "LetterNotConfigured: The campaign has no message template to write the letter with."
    )


@override_settings(DELIVERY_MAX_ATTEMPTS=3)
def test_sweeper_gives_up_on_a_letter_whose_worker_died_every_time(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=3, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    report = sweep_deliveries()

    delivery.refresh_from_db()
    assert report.released == 0
    assert delivery.status == DeliveryStatus.FAILED
    assert "on every attempt" in delivery.last_error


def test_letter_goes_in_blind_copy_to_the_organisation_when_asked(delivery):
    delivery.campaign.bcc_email = "archive@union.example.org"
    delivery.campaign.save()

    send_delivery(delivery_id=delivery.pk)

    letter = mail.outbox[0]
    assert letter.bcc == ["archive@union.example.org"]
    assert "archive@union.example.org" not in letter.message().as_string()  # a blind copy is not in the headers


def test_signer_who_asked_gets_a_copy_of_the_sent_letter(campaign):
    from petitions.delivery.sending import send_signer_copy

    campaign.offer_signer_copy = True
    campaign.save()
    sign_petition(campaign=campaign, data=BOB | {"wants_copy": True}, language="en", client_ip=None)
    delivery = Delivery.objects.get()
    send_delivery(delivery_id=delivery.pk)

    send_signer_copy(delivery_id=delivery.pk)

    letter, copy = mail.outbox
    assert copy.to == ["bob@example.net"]
    assert copy.subject == f"Your letter: {letter.subject}"
    assert "this is a copy of the letter that was sent in your name to Presidential Administration" in copy.body
    assert letter.body in copy.body
    assert "Free them &lt;b&gt;now&lt;/b&gt;." in copy.alternatives[0][0]


def test_no_copy_unless_the_signer_asked(delivery):
    from petitions.delivery.sending import send_signer_copy

    send_delivery(delivery_id=delivery.pk)
    send_signer_copy(delivery_id=delivery.pk)

    assert len(mail.outbox) == 1


class CountingBackend(BaseEmailBackend):
    """Counts sessions opened, like an SMTP server would see them."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return True

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        return len(messages)


@override_settings(EMAIL_BACKEND="tests.petitions.delivery.test_sending.CountingBackend")
def test_letters_share_one_mail_session_per_worker_process(campaign):
    CountingBackend.opened = 0
    for n in range(3):
        sign_petition(campaign=campaign, data=BOB | {"email": f"s{n}@example.net"}, language="en", client_ip=None)

    for delivery_id in Delivery.objects.values_list("pk", flat=True):
        send_delivery(delivery_id=delivery_id)

    assert len(mail.outbox) == 3
    assert CountingBackend.opened == 1
