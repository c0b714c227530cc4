"""Ringing the doorbell for letters: those that go together share a broker message (the worker's
main process spends about as much on a message as on sending a letter), paced letters keep one
message each for their slot, and a message delivered twice sends each letter once."""

import base64
import json

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.utils import timezone

from petitions.delivery.queueing import LETTERS_PER_MESSAGE, enqueue_deliveries
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.signing.service import sign_petition
from petitions.tasks import send_deliveries_task
from tests.factories import TargetFactory
from tests.petitions.delivery.test_sending import BOB

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker():
    with redis.Redis.from_url(settings.CELERY_BROKER_URL) as client:
        yield client


def messages_naming(broker, ids: list[int]) -> list[tuple[str, object]]:
    """(task name, first argument) of each waiting message that names one of `ids`, taken off the queue."""
    found = []
    for raw in reversed(broker.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)):  # oldest first
        message = json.loads(raw)
        argument = json.loads(base64.b64decode(message["body"]))[0][0]
        named = argument if isinstance(argument, list) else [argument]
        if set(named) & set(ids):
            found.append((message["headers"]["task"], argument))
            broker.lrem(settings.CELERY_TASK_DEFAULT_QUEUE, 1, raw)
    return found


def test_letters_that_go_together_share_messages_of_at_most_ten(broker):
    ids = list(range(10**9, 10**9 + 2 * LETTERS_PER_MESSAGE + 5))

    enqueue_deliveries(ids)

    assert messages_naming(broker, ids) == [
        ("petitions.send_deliveries", ids[:10]),
        ("petitions.send_deliveries", ids[10:20]),
        ("petitions.send_deliveries", ids[20:]),
    ]


def test_paced_letters_keep_a_message_each_for_their_slot(broker):
    ids = [10**9 + 100, 10**9 + 101]
    slot = timezone.now()

    enqueue_deliveries(ids, etas=[slot, slot])

    assert messages_naming(broker, ids) == [("petitions.send_delivery", ids[0]), ("petitions.send_delivery", ids[1])]


def test_a_signatures_letters_are_one_message(broker, campaign, django_capture_on_commit_callbacks):
    for _ in range(2):
        TargetFactory(campaign=campaign)

    with django_capture_on_commit_callbacks(execute=True):
        sign_petition(campaign=campaign, data=BOB, language="en", client_ip="198.51.100.1")
    ids = sorted(Delivery.objects.values_list("pk", flat=True))

    assert len(ids) == 3
    assert messages_naming(broker, ids) == [("petitions.send_deliveries", ids)]


def test_a_message_delivered_again_sends_each_letter_once(campaign):
    for _ in range(2):
        TargetFactory(campaign=campaign)
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip="198.51.100.1")
    ids = sorted(Delivery.objects.values_list("pk", flat=True))

    first = send_deliveries_task.run(ids)
    again = send_deliveries_task.run(ids)  # the broker gave it out again, after a worker died before its ack

    assert (first, again) == ({"sent": 3}, {"skipped": 3})
    assert sorted(recipient for letter in mail.outbox for recipient in letter.to) == sorted(
        f"Presidential Administration <{target.email}>" for target in campaign.targets.all()
    )
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
