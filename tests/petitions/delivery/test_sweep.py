"""The sweeper heals in seconds what it can tell is lost: the lease of a process on this host that
was killed, and letters whose message is gone because nothing waits on the broker."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from petitions.core.doorbell import messages_waiting
from petitions.delivery import leases
from petitions.delivery.queueing import enqueue_deliveries
from petitions.delivery.sweep import sweep_deliveries
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.signing.service import sign_petition
from tests.petitions.delivery.test_sending import BOB

pytestmark = pytest.mark.django_db

HOLDER = "import sys; from petitions.delivery import leases; print(leases.holder(), flush=True); sys.stdin.read()"


@pytest.fixture
def delivery(campaign):
    sign_petition(campaign=campaign, data=BOB, language="en", client_ip="198.51.100.1")
    return Delivery.objects.get()


@pytest.fixture
def other_process():
    """A process of this host and the holder string its claims would write; killed on demand."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder = child.stdout.readline().strip()
    yield child, holder
    if child.poll() is None:
        child.kill()
    child.wait()


@pytest.fixture
def broker():
    with redis.Redis.from_url(settings.CELERY_BROKER_URL) as client:
        client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
        yield client
        client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)


def leased(delivery, holder: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, lease_expires_at=timezone.now() + timedelta(minutes=5), leased_by=holder
    )


def test_a_holder_is_this_host_this_process_and_when_it_started(other_process):
    _child, holder = other_process
    host, pid, started = holder.split(":")

    assert leases.holder().split(":")[:2] == [host, str(os.getpid())]
    assert pid.isdigit()
    assert started.isdigit()
    assert leases.is_gone(holder) is False


def test_the_lease_of_a_killed_process_on_this_host_is_released_at_once(delivery, other_process):
    child, holder = other_process
    leased(delivery, holder)
    child.send_signal(signal.SIGKILL)
    child.wait()

    report = sweep_deliveries()

    delivery.refresh_from_db()
    assert report.released == 1
    assert (delivery.status, delivery.lease_expires_at) == (DeliveryStatus.QUEUED, None)
    assert report.enqueued == 1


@pytest.mark.parametrize(
    "holder",
    [
        "the-running-process",
        "another-host:1:12345",  # cannot be told from here: its lease runs out
        "{host}:{pid}:1",  # the same process id, started at another time: a later process
    ],
)
def test_leases_are_released_early_only_when_their_holder_is_surely_gone(delivery, holder):
    host, pid, _started = leases.holder().split(":")
    if holder == "the-running-process":
        holder = leases.holder()
    holder = holder.format(host=host, pid=pid)
    leased(delivery, holder)

    report = sweep_deliveries()

    delivery.refresh_from_db()
    gone = holder.endswith(":1") and holder.startswith(host)
    assert report.released == int(gone)
    assert delivery.status == (DeliveryStatus.QUEUED if gone else DeliveryStatus.SENDING)


def test_the_claim_names_its_holder(delivery):
    from petitions.delivery.sending_sql import claim_and_load

    claimed = claim_and_load(delivery.pk, timezone.now())

    delivery.refresh_from_db()
    assert claimed is not None
    assert delivery.leased_by == leases.holder()


def test_with_nothing_waiting_on_the_broker_a_queued_letters_message_is_known_lost(delivery, broker):
    Delivery.objects.filter(pk=delivery.pk).update(enqueued_at=timezone.now() - timedelta(seconds=15))

    assert messages_waiting() == 0
    assert sweep_deliveries().enqueued == 1


def test_while_messages_wait_on_the_broker_the_sweeper_gives_them_the_full_grace(delivery, broker, campaign):
    Delivery.objects.filter(pk=delivery.pk).update(enqueued_at=timezone.now() - timedelta(seconds=15))
    enqueue_deliveries([10**9])  # someone else's letter, still waiting for a worker

    assert messages_waiting() == 1
    assert sweep_deliveries().enqueued == 0
