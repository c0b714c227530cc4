"""Recovery with the timings Outcry ships (a 5-minute lease, the sweeper every 30 s with 2 minutes'
grace), not the fault suite's short ones: letters flow again, and all are sent, within a minute of
the fault ending.

- The whole worker is SIGKILLed mid-drain and started again at once. Its letters in 'sending' are
  held by processes that are gone: the first sweep on this host releases them (leases.py) instead
  of waiting out the lease. The messages it had taken are gone too; once no message waits on the
  broker, the sweeper knows it and enqueues their letters after SWEEP_IDLE_GRACE_SECONDS.
- Redis is stopped with a backlog queued and started again empty: the first sweep after it is back
  finds nothing waiting on the broker and enqueues every letter whose message was lost.
"""

import time

import pytest

from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from tests.faults.audit import audit, wait_until_settled
from tests.faults.letters import queue_letters, ring_doorbell, unpaced_campaign

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SHIPPED_TIMINGS = {
    "DELIVERY_LEASE_SECONDS": "300",
    "EMAIL_TIMEOUT": "20",
    "SWEEP_INTERVAL_SECONDS": "30",
    "SWEEP_GRACE_SECONDS": "120",
    "SWEEP_IDLE_GRACE_SECONDS": "10",
}
RECOVERY_GOAL_SECONDS = 60.0
SIGNATURES = 400  # two targets: 800 letters
SLOW_REPLY_SECONDS = 0.05  # a backlog is still waiting when the fault comes


def first_letter_after(handler, moment: float, *, timeout: float) -> float | None:
    """Seconds from `moment` (time.time()) to the first letter the server took after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        later = [message.at.timestamp() for message in handler.messages if message.at.timestamp() > moment]
        if later:
            return min(later) - moment
        time.sleep(0.1)
    return None


def pending(campaign_id: int) -> int:
    return Delivery.objects.filter(
        campaign_id=campaign_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    ).count()


def a_quarter_drained(stack):
    """A worker with the shipped timings a quarter of the way through a backlog of slow letters:
    the campaign, its letters, the worker and when it all started."""
    stack.env.update(SHIPPED_TIMINGS)
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=SIGNATURES)
    started = time.monotonic()
    stack.smtp.handler.delay_every_reply(SLOW_REPLY_SECONDS)
    worker = stack.worker()
    ring_doorbell(stack.redis.url, letter_ids)
    worker.wait_ready()
    while len(stack.smtp.handler.messages) < len(letter_ids) // 4:
        assert worker.process.poll() is None, worker.log()[-3000:]
        time.sleep(0.05)
    return campaign, letter_ids, worker, started


def test_worker_killed_mid_drain_recovers_within_a_minute_with_the_shipped_timings(stack):
    handler = stack.smtp.handler
    campaign, _letter_ids, worker, started = a_quarter_drained(stack)

    worker.kill()
    sending_at_kill = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.SENDING).count()
    left_at_kill = pending(campaign.pk)
    handler.clear_delays()
    worker = stack.restart(worker)
    worker.wait_ready()
    back_at, back_at_monotonic = time.time(), time.monotonic()
    flowing_after = first_letter_after(handler, back_at, timeout=RECOVERY_GOAL_SECONDS)
    settled = wait_until_settled([campaign.pk], timeout=RECOVERY_GOAL_SECONDS, quiet=0)
    all_sent_after = time.monotonic() - back_at_monotonic

    result = audit(
        "worker SIGKILLed mid-drain, shipped timings",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        kills=1,
        notes=[
            f"{sending_at_kill} sending and {left_at_kill} waiting at the kill",
            f"letters flowing {flowing_after:.1f} s after the restart" if flowing_after is not None else "no letter",
            f"all sent {all_sent_after:.1f} s after the restart",
        ],
    )
    assert settled, f"letters still pending {RECOVERY_GOAL_SECONDS:.0f} s after the restart"
    assert flowing_after is not None
    assert all_sent_after < RECOVERY_GOAL_SECONDS
    assert (result.lost, result.failed, result.counter_drift) == (0, 0, [])
    assert result.duplicates <= sending_at_kill  # only letters the server may have taken as it died


def test_redis_back_empty_with_a_backlog_recovers_within_a_minute_with_the_shipped_timings(stack):
    handler = stack.smtp.handler
    campaign, _letter_ids, worker, started = a_quarter_drained(stack)
    supervisor = stack.supervised(worker)

    stack.redis.stop()
    supervisor.sleep(5)
    left_at_restart = pending(campaign.pk)
    handler.clear_delays()
    stack.redis.start()
    back_at, back_at_monotonic = time.time(), time.monotonic()
    settled = wait_until_settled([campaign.pk], timeout=RECOVERY_GOAL_SECONDS, quiet=0, sleep=supervisor.sleep)
    all_sent_after = time.monotonic() - back_at_monotonic
    flowing_after = first_letter_after(handler, back_at, timeout=1)

    result = audit(
        "Redis back empty with a backlog, shipped timings",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{left_at_restart} letters waiting when Redis came back",
            f"letters flowing {flowing_after:.1f} s after Redis returned" if flowing_after is not None else "no letter",
            f"all sent {all_sent_after:.1f} s after Redis returned",
            f"worker exits restarted by the supervisor: {len(supervisor.exits)}",
        ],
    )
    assert settled, f"letters still pending {RECOVERY_GOAL_SECONDS:.0f} s after Redis returned"
    assert left_at_restart > 100  # a real backlog had lost its messages
    assert all_sent_after < RECOVERY_GOAL_SECONDS
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
