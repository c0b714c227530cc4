"""The SMTP server misbehaving: 4xx for a while, 550 for one target, a server that hangs.

- 4xx ("not now") for FAULTS_4XX_SECONDS (30): every letter is retried with exponential backoff
  (1 s, 2 s, 4 s, ... with +-20% jitter, waiting in next_attempt_at) and all are sent once it stops.
- 550 ("no such mailbox") for one target: its letters fail at once, one attempt each; the other
  targets' letters go as usual.
- A server that accepts connections and never answers for FAULTS_HANG_SECONDS (10): each waiting
  send is ended by EMAIL_TIMEOUT and retried; once the server answers again all are sent, once.
"""

import math
import time
from itertools import pairwise

import pytest

from petitions.mail.letters import letter_message_id
from petitions.models import Delivery
from tests.faults.audit import FAILED_STATUSES, audit, wait_until_settled
from tests.faults.conftest import WORKER_SETTINGS, knob
from tests.faults.letters import queue_letters, ring_doorbell, unpaced_campaign
from tests.integration.processes import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

RETRY_BASE = float(WORKER_SETTINGS["DELIVERY_RETRY_BASE_SECONDS"])
EMAIL_TIMEOUT = float(WORKER_SETTINGS["EMAIL_TIMEOUT"])
# The retry is due at the earliest 0.8 x base x 2^(n-1) after the n-th failure; the server sees it
# a little later still (sweeper interval, claim), never earlier.
JITTER_LOW = 0.8
CLOCK_SLACK = 0.05


def attempt_times(handler) -> dict[str, list[float]]:
    """Per Message-ID, the times (seconds, server clock) of every DATA the server answered."""
    times: dict[str, list[float]] = {}
    for received in sorted(handler.deferred + handler.messages, key=lambda r: r.at):
        times.setdefault(str(received.message["Message-ID"]), []).append(received.at.timestamp())
    return times


def test_4xx_for_a_while_then_all_sent_with_backoff(stack):
    handler = stack.smtp.handler
    window = knob("FAULTS_4XX_SECONDS", 30)
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=50)
    worker = stack.worker()
    worker.wait_ready()
    handler.defer_for(window)
    started = time.monotonic()
    ring_doorbell(stack.redis.url, letter_ids)
    settled = wait_until_settled([campaign.pk], timeout=window + 90)
    times = attempt_times(handler)
    gaps_too_short = [
        (message_id, n, later - earlier)
        for message_id, stamps in times.items()
        for n, (earlier, later) in enumerate(pairwise(stamps), start=1)
        if later - earlier < JITTER_LOW * RETRY_BASE * 2 ** (n - 1) - CLOCK_SLACK
    ]
    attempts = list(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True))
    last_sent = max(received.at for received in handler.messages) if handler.messages else None
    first_deferral = min(received.at for received in handler.deferred) if handler.deferred else None

    result = audit(
        f"451 for {window:.0f} s",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{len(handler.deferred)} deferrals",
            f"attempts per letter {min(attempts)}-{max(attempts)}",
            f"last letter {(last_sent - first_deferral).total_seconds():.0f} s after the first 451"
            if last_sent and first_deferral
            else "no letter sent",
            f"retries sooner than the backoff: {len(gaps_too_short)}",
        ],
    )
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == len(letter_ids)
    assert min(attempts) >= 2  # every letter met the 4xx at least once
    assert gaps_too_short == []
    # Backoff, not hammering: n failed tries take at least 0.8 x base x (2^(n-1) - 1) seconds, so
    # within the window a letter meets the 4xx at most this often (6 for 30 s), not once a second.
    most_deferrals = math.floor(math.log2(window / (JITTER_LOW * RETRY_BASE) + 1)) + 1
    assert max(len(stamps) - 1 for stamps in times.values()) <= most_deferrals


def test_550_for_one_target_fails_its_letters_at_once(stack):
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=3)
    refused = campaign.targets.order_by("pk")[1]
    handler.refuse_recipient(refused.email)
    letter_ids = queue_letters(campaign, signatures=40)
    refused_ids = set(Delivery.objects.filter(target=refused).values_list("pk", flat=True))
    worker = stack.worker()
    started = time.monotonic()
    ring_doorbell(stack.redis.url, letter_ids)
    worker.wait_ready()
    # Quiet for several sweeper intervals and retry delays: a retry would show as a second refusal.
    settled = wait_until_settled([campaign.pk], timeout=60, quiet=4.0)
    rows = {
        pk: (status, attempts, error)
        for pk, status, attempts, error in Delivery.objects.filter(campaign=campaign).values_list(
            "pk", "status", "attempts", "last_error"
        )
    }

    result = audit(
        "550 for one target of three",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        expected_to_fail=refused_ids,
        notes=[f"{len(handler.refused)} refusals for {len(refused_ids)} letters to the refused target"],
    )
    assert settled
    assert (result.lost, result.duplicates, result.counter_drift) == (0, 0, [])
    assert result.failed == len(refused_ids) == 40
    assert result.sent == result.letters - len(refused_ids)
    assert all(rows[pk][0] in FAILED_STATUSES and rows[pk][1] == 1 and "550" in rows[pk][2] for pk in refused_ids)
    assert all(rows[pk][1] == 1 for pk in rows if pk not in refused_ids)
    assert len(handler.refused) == len(refused_ids)  # one attempt each, no retry
    assert handler.deferred == []


def test_hung_server_frees_the_worker_by_its_timeout_and_sends_once(stack):
    handler = stack.smtp.handler
    hang = knob("FAULTS_HANG_SECONDS", 10)
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=20)
    worker = stack.worker()
    worker.wait_ready()
    handler.hang(True)
    started = time.monotonic()
    ring_doorbell(stack.redis.url, letter_ids)
    time.sleep(hang)
    hung_while_down = handler.hung_sessions
    handler.hang(False)
    settled = wait_until_settled([campaign.pk], timeout=60)
    waits = [session.seconds for session in hung_while_down]
    retried = Delivery.objects.filter(campaign=campaign, attempts__gte=2).count()

    result = audit(
        f"SMTP server hung {hang:.0f} s",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{len(waits)} sessions given up by the worker after "
            + (f"{min(waits):.1f}-{max(waits):.1f} s (EMAIL_TIMEOUT {EMAIL_TIMEOUT:.0f} s)" if waits else "-"),
            f"{retried} letters retried",
        ],
    )
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == len(letter_ids)
    # Each pool process gave up on its hung connection after EMAIL_TIMEOUT, again and again.
    assert len(waits) >= 2 * int(hang // (EMAIL_TIMEOUT + RETRY_BASE * 1.2 + 1))
    assert all(EMAIL_TIMEOUT - 0.5 <= seconds <= EMAIL_TIMEOUT + 1.5 for seconds in waits), waits
    assert retried >= len(waits) // 2
    wait_until(lambda: handler.hanging == 0, timeout=5, what="no connection left waiting")
    assert letter_message_id(letter_ids[0]) in {str(r.message["Message-ID"]) for r in handler.messages}


SLOW_REPLY_SECONDS = 0.8 * EMAIL_TIMEOUT  # no single reply times out


def test_slow_server_every_reply_under_the_timeout_sends_once(stack):
    """A server that answers every command, just slowly: each reply comes within EMAIL_TIMEOUT but
    the whole exchange takes several times that. The lease must outlast it (petitions/checks.py:
    ten replies' worth), or the sweeper hands the letter to a second process while the first is
    still sending, and it goes out twice."""
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=1)
    letter_ids = queue_letters(campaign, signatures=3)
    worker = stack.worker()
    worker.wait_ready()
    handler.slow_replies(SLOW_REPLY_SECONDS)
    started = time.monotonic()
    ring_doorbell(stack.redis.url, letter_ids)
    settled = wait_until_settled([campaign.pk], timeout=60, quiet=3.0)
    took = (max(r.at for r in handler.messages) - min(r.at for r in handler.messages)) if handler.messages else None
    attempts = sorted(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True))

    result = audit(
        f"every SMTP reply {SLOW_REPLY_SECONDS:.1f} s (EMAIL_TIMEOUT {EMAIL_TIMEOUT:.0f} s, "
        f"lease {WORKER_SETTINGS['DELIVERY_LEASE_SECONDS']} s)",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[f"attempts per letter {attempts}"]
        + ([f"first to last letter {took.total_seconds():.0f} s"] if took is not None else []),
    )
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == len(letter_ids)
    assert attempts == [1] * len(letter_ids)  # no reply timed out, no lease ran out
