"""Redis stopped while people sign, and started again empty with thousands of letters queued:
every letter is sent after it returns, by the sweeper, exactly once.

First a thousand-odd letters are signed while Redis is up, before the worker starts, so their
messages sit in Redis (the worker, slowed by an SMTP server that takes a quarter of a second to
answer, holds only its prefetch). Redis then stops
(no persistence: the messages are gone) for FAULTS_REDIS_OUTAGE_SECONDS (60; 20 for a quick run)
while people keep signing, which must still succeed. Redis comes back empty; the worker
reconnects, and beat's sweeper finds the rows: those whose message was lost with Redis, and those
signed while it was down.

The worker runs under a supervisor that starts it again if it exits, as compose's restart policy
does in production, and each exit is named in the table. There should be none: kombu 5.7's Redis
transport made the worker exit when a task ended after its connection was closed ("Unrecoverable
error: AttributeError: 'NoneType' object has no attribute 'hostname'"); outcry/broker.py fixes
that, and the last two cases here run with no supervisor at all.
"""

import base64
import json
import time

import pytest
import redis

from outcry.celery import app as outcry_app
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from tests.faults.audit import audit, message_ids, wait_until_settled
from tests.faults.conftest import knob
from tests.faults.letters import queue_letters, ring_doorbell, unpaced_campaign
from tests.faults.signer import Signer
from tests.integration.smtp import ACCEPT

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BEFORE_SIGNATURES = 600  # two targets: 1,200 letters whose messages die with Redis
DURING_RATE = 10  # signatures a second while Redis is down (two letters each)
SLOW_REPLY_SECONDS = 0.25
MAX_SIGNING_SECONDS_WITHOUT_BROKER = 10.0
# The worker reconnects with a growing back-off (2 s, 4 s, ... up to 30 s), then the sweeper runs.
RECOVERY_TIMEOUT_SECONDS = 180.0


def letters_in_redis(url: str) -> int:
    """The letters named by the messages waiting in Redis (a message may name several)."""
    with redis.Redis.from_url(url, socket_connect_timeout=2) as client:
        messages = client.lrange(outcry_app.conf.task_default_queue, 0, -1)
    letters = 0
    for raw in messages:
        args = json.loads(base64.b64decode(json.loads(raw)["body"]))[0]
        letters += len(args[0]) if isinstance(args[0], list) else 1
    return letters


def test_redis_down_while_people_sign_then_back_empty(stack):
    handler = stack.smtp.handler
    outage = knob("FAULTS_REDIS_OUTAGE_SECONDS", 60)
    campaign = unpaced_campaign(targets=2)
    started = time.monotonic()
    stack.workdir.mkdir(parents=True, exist_ok=True)
    handler.delay_every_reply(SLOW_REPLY_SECONDS)
    # Signed before the worker starts, so that most messages are surely still in Redis when it
    # stops, however fast or busy the machine (the worker then takes only its prefetch).
    before = Signer(stack, campaign_id=campaign.pk, first=0, count=BEFORE_SIGNATURES, rate=0, name="signer-before")
    signed_before = before.result(timeout=120)
    worker = stack.worker()
    worker.wait_ready()
    supervisor = stack.supervised(worker)
    supervisor.sleep(1)
    waiting_in_redis = letters_in_redis(stack.redis.url)

    stack.redis.stop()
    down_at = time.monotonic()
    handler.clear_delays()
    during_count = int(DURING_RATE * max(1.0, outage - 5))
    received_at_stop = len(handler.messages)
    during = Signer(
        stack, campaign_id=campaign.pk, first=10**6, count=during_count, rate=DURING_RATE, name="signer-during"
    )
    signed_during = during.result(timeout=outage + 60, sleep=supervisor.sleep)
    supervisor.sleep(max(0.0, down_at + outage - time.monotonic()))
    sent_during_outage = len(handler.messages) - received_at_stop
    left_for_sweeper = Delivery.objects.filter(
        campaign=campaign, status=DeliveryStatus.QUEUED, enqueued_at__isnull=True
    ).count()
    stack.redis.start()
    empty_after_restart = letters_in_redis(stack.redis.url)
    back_at = time.monotonic()
    settled = wait_until_settled([campaign.pk], timeout=RECOVERY_TIMEOUT_SECONDS, sleep=supervisor.sleep)
    drained_in = time.monotonic() - back_at
    signatures = Signature.objects.filter(campaign=campaign).count()

    result = audit(
        f"Redis down {outage:.0f} s while signing, back empty",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{waiting_in_redis} letters named in Redis when it stopped",
            f"{signed_during['signed']} signed during the outage (slowest {signed_during['slowest']:.2f} s)",
            f"{sent_during_outage} sent while it was down (messages the worker held)",
            f"{left_for_sweeper} letters with no message at the restart",
            f"all sent {drained_in:.0f} s after Redis returned",
            f"worker exits restarted by the supervisor: {len(supervisor.exits)}"
            + "".join(f" [{reason}]" for reason in supervisor.exits),
        ],
    )
    assert settled, f"letters still pending {RECOVERY_TIMEOUT_SECONDS:.0f} s after Redis returned"
    assert (signed_before["error_count"], signed_during["error_count"]) == (0, 0), (signed_before, signed_during)
    assert signatures == BEFORE_SIGNATURES + during_count == signed_before["signed"] + signed_during["signed"]
    assert signed_during["slowest"] < MAX_SIGNING_SECONDS_WITHOUT_BROKER
    assert waiting_in_redis > 500  # most letters' messages really were lost with Redis
    assert empty_after_restart == 0
    assert left_for_sweeper == 2 * during_count
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == 2 * signatures


def test_redis_killed_three_times_under_load_the_same_worker_keeps_sending(stack):
    """No supervisor here: the worker that consumed before the first kill must still be the one
    sending after the third, with no restart by anyone."""
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=600)
    started = time.monotonic()
    handler.delay_every_reply(0.02)
    worker = stack.worker()
    ring_doorbell(stack.redis.url, letter_ids)
    worker.wait_ready()
    sent_before_each_kill = []
    for _ in range(3):
        while len(handler.messages) < (len(sent_before_each_kill) + 1) * len(letter_ids) // 5:
            assert worker.process.poll() is None, worker.log()[-3000:]
            time.sleep(0.05)
        sent_before_each_kill.append(len(handler.messages))
        stack.redis.kill()
        time.sleep(2)
        stack.redis.start()
        time.sleep(3)
    handler.clear_delays()
    settled = wait_until_settled([campaign.pk], timeout=90)
    critical = worker.critical_lines()

    result = audit(
        "Redis SIGKILLed x3 under load, no supervisor",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"letters received before each kill: {sent_before_each_kill}",
            f"worker still the first process: {worker.process.poll() is None}",
            f"critical log lines: {len(critical)}" + (f" (last: {critical[-1][-120:]})" if critical else ""),
        ],
    )
    assert worker.process.poll() is None, "the worker exited: " + (critical[-1] if critical else worker.log()[-2000:])
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == len(letter_ids)


def test_a_send_that_ends_after_redis_came_back_is_acknowledged_without_killing_the_worker(stack):
    """The exact path of the worker's exit: a letter is in the middle of its SMTP session when
    Redis is killed, Redis is back before the session ends, and the finished task's
    acknowledgement goes to a channel of the connection the consumer has already closed."""
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=1)
    first = queue_letters(campaign, signatures=1)
    handler.slow_replies(1.2)  # every reply within the 2 s timeout, the whole session about 9 s
    worker = stack.worker()
    worker.wait_ready()
    ring_doorbell(stack.redis.url, first)
    deadline = time.monotonic() + 30
    while not Delivery.objects.filter(pk__in=first, status=DeliveryStatus.SENDING).exists():
        assert time.monotonic() < deadline, "the worker never took the letter"
        time.sleep(0.05)
    # Claimed: its SMTP session has begun and has seconds to go.
    stack.redis.kill()
    time.sleep(1)
    stack.redis.start()
    assert wait_until_settled([campaign.pk], timeout=30)
    handler.slow_replies(0)
    time.sleep(3)  # the acknowledgement, and whatever it does to the worker
    assert worker.process.poll() is None, "the worker exited: " + worker.log()[-3000:]

    second = queue_letters(campaign, signatures=1)
    ring_doorbell(stack.redis.url, second)
    assert wait_until_settled([campaign.pk], timeout=30)
    assert worker.process.poll() is None
    assert [message.reply for message in handler.messages] == [ACCEPT, ACCEPT]
    assert len(set(message_ids(handler))) == 2
    assert "Couldn't ack" in worker.log()  # the path really was taken
    assert not [line for line in worker.critical_lines() if "Unrecoverable" in line]
