"""A worker killed with SIGKILL again and again while it drains: no letter lost, and a duplicate
only for a letter the SMTP server had already taken when the worker died.

Sending is claim, send, record. A worker that dies after the server took a message but before the
row says sent leaves the row 'sending'; its lease expires, the sweeper queues it again, and it is
sent a second time under the same Message-ID (the receiving side can fold it away). That window
is unavoidable with SMTP (RFC 1047); everywhere else a kill costs nothing but time.

Each kill comes after the worker has drained for a random moment. Then the SMTP server is used to
pin down where the worker is when it dies:
- inside: the server takes one message and delays its 250; the other pool process finishes its
  letter and waits at its next MAIL FROM. Exactly one letter is in the window: one duplicate.
- outside: every pool process waits at MAIL FROM, having handed over nothing: no duplicate.
"""

import time

import pytest

from petitions.enums import DeliveryStatus
from petitions.mail.letters import letter_message_id
from petitions.models import Delivery
from tests.faults.audit import audit, message_ids, wait_until_settled
from tests.faults.conftest import knob
from tests.faults.letters import queue_letters, ring_doorbell, unpaced_campaign

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CONCURRENCY = 2
SIGNATURES = 300  # two targets: 600 letters
# The server's delayed 250: long enough to kill inside it, shorter than EMAIL_TIMEOUT (2 s), as is
# the wait for the other pool process to reach its next MAIL FROM.
REPLY_DELAY_SECONDS = 1.5
TRAP_TIMEOUT_SECONDS = 1.2


def in_window(campaign_id: int, handler) -> set[int]:
    """Letters the server has taken whose row still says 'sending': each will be sent again.
    (A row stays 'sending' until its lease expires, so one may be seen again at the next kill.)"""
    received = message_ids(handler)
    sending = Delivery.objects.filter(campaign_id=campaign_id, status=DeliveryStatus.SENDING)
    return {pk for pk in sending.values_list("pk", flat=True) if received[letter_message_id(pk)]}


def spring_trap(handler, where: str, *, tries: int = 5) -> bool:
    """Bring every pool process to a known place in its SMTP exchange, trying again (the server let
    go, a moment's pause) when a busy machine kept it from happening within TRAP_TIMEOUT_SECONDS;
    False if it never did (e.g. nothing left to send)."""
    for _ in range(tries):
        if _spring_trap_once(handler, where):
            return True
        handler.hold_mail(False)
        handler.clear_delays()
        time.sleep(0.3)
    return False


def _spring_trap_once(handler, where: str) -> bool:
    deadline = time.monotonic() + TRAP_TIMEOUT_SECONDS
    if where == "inside":
        handler.delay_next_replies(1, REPLY_DELAY_SECONDS)
        while handler.replies_pending < 1:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        handler.hold_mail(True)
        expected_held, expected_pending = CONCURRENCY - 1, 1
    else:
        handler.hold_mail(True)
        expected_held, expected_pending = CONCURRENCY, 0
    while (handler.held_at_mail, handler.replies_pending) != (expected_held, expected_pending):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_worker_killed_repeatedly_loses_nothing(where, stack):
    handler = stack.smtp.handler
    kills = int(knob("FAULTS_KILLS", 5))
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=SIGNATURES)
    started = time.monotonic()
    worker = stack.worker(concurrency=CONCURRENCY)
    ring_doorbell(stack.redis.url, letter_ids)
    worker.wait_ready()

    windows, sprung, drained_before, seen = [], [], [], set()
    for _ in range(kills):
        time.sleep(stack.rng.uniform(0.2, 0.8))
        sprung.append(spring_trap(handler, where))
        worker.kill()
        drained_before.append(len(handler.messages))
        caught = in_window(campaign.pk, handler) - seen
        windows.append(len(caught))
        seen |= caught
        handler.hold_mail(False)
        handler.clear_delays()
        worker = stack.restart(worker)
        worker.wait_ready()
    settled = wait_until_settled([campaign.pk], timeout=60)
    attempts = list(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True))

    result = audit(
        f"SIGKILL x{kills} {where} the SMTP exchange",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        kills=kills,
        notes=[
            f"letters in the window at each kill: {windows}",
            f"trap sprung: {sum(sprung)}/{kills}",
            f"messages received before each kill: {drained_before}",
            f"max attempts {max(attempts)}",
        ],
    )
    assert settled, "letters were still queued or sending a minute after the last restart"
    assert (result.lost, result.failed, result.counter_drift) == (0, 0, [])
    assert result.sent == result.letters == len(letter_ids)
    # Every duplicate is a letter that was in the window when its worker died, and vice versa.
    assert result.duplicates == sum(windows)
    assert all(sprung), f"the worker was not where the case wanted it at every kill: {sprung}"
    assert windows == ([1] * kills if where == "inside" else [0] * kills)
