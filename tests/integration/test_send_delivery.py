"""Sending a letter against a real worker and SMTP server: claims, deferrals and refusals."""

import pytest

from petitions.enums import DeliveryStatus
from petitions.mail.letters import letter_message_id
from petitions.models import Delivery
from petitions.signing import service
from petitions.tasks import send_delivery_task
from tests.factories import SignatureFactory, queue_letters
from tests.integration.processes import wait_until
from tests.integration.smtp import TRY_AGAIN_LATER

pytestmark = pytest.mark.integration


def sign_as_bob(campaign, bob_form: dict) -> Delivery:
    """bob signs through the service, which enqueues his letter after commit, as the view does."""
    signature = service.sign_petition(
        campaign=campaign,
        data=bob_form | {"consent_to_contact": True},
        language="en",
        client_ip="203.0.113.7",
    )
    return signature.deliveries.get()


def wait_for_status(delivery_id: int, status: str, *, timeout: float = 15.0) -> Delivery:
    return wait_until(
        lambda: Delivery.objects.filter(pk=delivery_id, status=status).first(),
        timeout=timeout,
        what=f"delivery {delivery_id} to be {status}",
    )


def test_send_delivery_enqueued_five_times_sends_one_letter(letter_campaign, smtp_server, celery_worker):
    signature = SignatureFactory(campaign=letter_campaign)
    (delivery_id,) = queue_letters(signature=signature)

    for _ in range(5):
        send_delivery_task.delay(delivery_id)
    letters = smtp_server.wait_for_messages(1, then_quiet_for=2.0)
    delivery = wait_for_status(delivery_id, DeliveryStatus.SENT)

    assert len(letters) == 1
    assert (delivery.attempts, delivery.message_id) == (1, letter_message_id(delivery_id))
    assert str(letters[0].message["Message-ID"]) == letter_message_id(delivery_id)


def test_send_delivery_deferred_with_451_is_sent_by_a_later_attempt(
    letter_campaign, bob_form, smtp_server, celery_worker
):
    smtp_server.defer_next(1)

    delivery = sign_as_bob(letter_campaign, bob_form)
    # The retry waits about DELIVERY_RETRY_BASE_SECONDS (1 s) in next_attempt_at, then the
    # sweeper picks it up: poll faster than that to see the row between the two attempts.
    between_attempts = wait_until(
        lambda: Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=1).first(),
        timeout=15,
        interval=0.01,
        what="the delivery to be queued again after the 451",
    )
    letters = smtp_server.wait_for_messages(1, then_quiet_for=2.0)
    sent = wait_for_status(delivery.pk, DeliveryStatus.SENT)

    (deferred,) = smtp_server.deferred
    assert deferred.reply == TRY_AGAIN_LATER
    assert between_attempts.next_attempt_at > deferred.at
    assert "451" in between_attempts.last_error
    assert len(letters) == 1
    assert (sent.attempts, sent.message_id, sent.last_error) == (2, letter_message_id(delivery.pk), "")
    # A retry resends what was rendered for the first attempt, under the same Message-ID.
    assert letters[0].message.get_body(("plain",)).get_content() == deferred.message.get_body(("plain",)).get_content()
    assert str(letters[0].message["Message-ID"]) == str(deferred.message["Message-ID"])


def test_send_delivery_refused_with_550_fails_at_once(letter_campaign, bob_form, smtp_server, celery_worker):
    target = letter_campaign.targets.get()
    smtp_server.refuse_recipient(target.email)

    delivery = sign_as_bob(letter_campaign, bob_form)
    failed = wait_for_status(delivery.pk, DeliveryStatus.FAILED)
    # Several sweeper intervals: a retry would show up as a second refusal or a changed row.
    letters = smtp_server.wait_for_messages(0, then_quiet_for=2.5)
    later = Delivery.objects.get(pk=delivery.pk)

    assert failed.attempts == 1
    assert "550" in failed.last_error
    assert [refusal.address for refusal in smtp_server.refused] == [target.email]
    assert letters == []
    assert smtp_server.deferred == []
    assert (later.status, later.attempts, later.last_error) == (DeliveryStatus.FAILED, 1, failed.last_error)
