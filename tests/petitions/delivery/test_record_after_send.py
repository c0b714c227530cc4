"""The mail server said 250, then the database restarted before the letter was recorded as sent.

Recording is tried again until the database is back (within the worker's lease), so the letter is
recorded once and never sent a second time. The restart is real (tests/outage.py); only the mail
server is Django's in-memory one, which answers at once.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.utils import timezone

from petitions.delivery import sending
from petitions.delivery.sending import send_delivery
from petitions.delivery.sweep import sweep_deliveries
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from petitions.signing.service import sign_petition
from tests.outage import restart_database

pytestmark = pytest.mark.django_db(transaction=True)

BOB = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}


class AcceptsThenTheDatabaseRestarts(EmailBackend):
    restart_seconds = 2.0
    restarts: list = []

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        self.restarts.append(restart_database(seconds=self.restart_seconds))
        return sent


@pytest.fixture
def delivery(campaign):
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip="198.51.100.1")
    yield Delivery.objects.get()
    for timer in AcceptsThenTheDatabaseRestarts.restarts:
        timer.cancel()
        timer.restore()
    AcceptsThenTheDatabaseRestarts.restarts.clear()


@override_settings(EMAIL_BACKEND=f"{__name__}.AcceptsThenTheDatabaseRestarts")
def test_a_letter_sent_during_a_restart_is_recorded_once_and_not_sent_again(delivery):
    started = timezone.now()

    result = send_delivery(delivery_id=delivery.pk)

    waited = (timezone.now() - started).total_seconds()
    assert result.status == DeliveryStatus.SENT
    assert waited >= AcceptsThenTheDatabaseRestarts.restart_seconds  # it waited for the database
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.message_id
    # Nothing is left for anyone to send again, and the count is right.
    sweep_deliveries(now=timezone.now() + timedelta(hours=1))
    assert send_delivery(delivery_id=delivery.pk).status == "skipped"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    assert recount_campaign(campaign_id=delivery.campaign_id).emails_sent_drift == 0


@override_settings(EMAIL_BACKEND=f"{__name__}.AcceptsThenTheDatabaseRestarts", DELIVERY_LEASE_SECONDS=12)
def test_a_restart_longer_than_the_lease_leaves_the_letter_to_the_sweeper(delivery):
    """Past the lease another worker may claim the letter, so the recorder gives up before it ends."""
    AcceptsThenTheDatabaseRestarts.restart_seconds = 30.0
    try:
        with pytest.raises(sending.DATABASE_UNAVAILABLE):
            send_delivery(delivery_id=delivery.pk)
    finally:
        AcceptsThenTheDatabaseRestarts.restart_seconds = 2.0
        for timer in AcceptsThenTheDatabaseRestarts.restarts:
            timer.cancel()
            timer.restore()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING  # the lease is the worker's until it ends


def test_a_worker_holds_its_letter_while_the_database_is_down_and_sends_it_once_back(delivery):
    """The task does not fail fast (and so take the next message, and the next): it waits for the
    database with this message in hand, then sends."""
    from petitions.tasks import send_delivery_task

    restart = restart_database(seconds=2.0)
    started = timezone.now()
    try:
        status = send_delivery_task(delivery.pk)
    finally:
        restart.cancel()
        restart.restore()

    assert status == DeliveryStatus.SENT
    assert (timezone.now() - started).total_seconds() >= 2.0
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
