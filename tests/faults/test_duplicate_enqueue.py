"""The same letter enqueued several times, and two workers (each with its own beat and sweeper)
racing on one queue: one letter each. Sending starts with a conditional claim, so every message
after the first finds the row taken and does nothing."""

import ast
import re
import time

import pytest

from petitions.models import Delivery
from tests.faults.audit import audit, wait_until_settled
from tests.faults.letters import queue_letters, ring_doorbell, unpaced_campaign

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SIGNATURES = 150  # two targets: 300 letters
RINGS = 5  # messages per letter
# One letter's task logs how it ended; a batch's (the sweeper's messages) how many ended each way.
_RESULT = re.compile(r"petitions\.send_delivery\[[^]]+\] succeeded in [0-9.e-]+s: '(\w+)'")
_BATCH_RESULT = re.compile(r"petitions\.send_deliveries\[[^]]+\] succeeded in [0-9.e-]+s: (\{[^}]*\})")


def task_results(*logs: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in logs:
        for result in _RESULT.findall(text):
            counts[result] = counts.get(result, 0) + 1
        for batch in _BATCH_RESULT.findall(text):
            for result, count in ast.literal_eval(batch).items():
                counts[result] = counts.get(result, 0) + count
    return counts


def test_same_letter_enqueued_five_times_with_two_workers_racing(stack):
    campaign = unpaced_campaign(targets=2)
    letter_ids = queue_letters(campaign, signatures=SIGNATURES)
    started = time.monotonic()
    workers = [stack.worker(name="worker-a"), stack.worker(name="worker-b")]
    for worker in workers:
        worker.wait_ready()
    # Copies side by side and far apart: both workers' pools take copies of the same letter at once.
    messages = [letter_id for letter_id in letter_ids for _ in range(RINGS)]
    far_apart = messages[len(messages) // 2 :]
    stack.rng.shuffle(far_apart)
    messages[len(messages) // 2 :] = far_apart
    ring_doorbell(stack.redis.url, messages)
    settled = wait_until_settled([campaign.pk], timeout=90, quiet=3.0)
    attempts = sorted(set(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True)))
    results = task_results(*(worker.log() for worker in workers))

    result = audit(
        f"each letter enqueued {RINGS}x, two workers racing",
        campaign_ids=[campaign.pk],
        handler=stack.smtp.handler,
        started=started,
        notes=[f"{len(messages)} messages; task results {results}", f"attempts per letter {attempts}"],
    )
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == len(letter_ids)
    assert attempts == [1]  # no letter was ever claimed twice
    assert results.get("sent") == len(letter_ids)
    assert all(task_results(worker.log()).get("sent") for worker in workers), "one worker did all the work"
