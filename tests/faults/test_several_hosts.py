"""Outcry on several hosts: two web hosts and two worker hosts, each worker with a beat of its own
(so two beats: two sweepers, two pacing dispatchers, two recounts), on one PostgreSQL and one
Redis, while people sign through both web hosts.

Each "host" is its own group of processes with its own port, folder and logs. The beats are left
to race on purpose: every scheduled task takes its rows under a lock (SKIP LOCKED, or the target's
row for pacing), so running twice does no harm. What must hold:
- every signature acknowledged is stored and counted, every letter sent once (claims are exact);
- a paced target's letters never come faster than its hourly cap allows: in any stretch of 20 or
  60 slots (3600 / hourly_cap seconds each), at most two letters more than the stretch has slots,
  however many dispatchers hand out slots and however many workers send (a rolling hour's cap
  follows; a doubled dispatch would show as twice the slots);
- the counters equal the rows.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from campaigns.models import Target
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from tests.faults.audit import audit, wait_until_settled
from tests.faults.letters import unpaced_campaign
from tests.integration.browser import Browser
from tests.integration.processes import WebServer

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SIGNERS = 120
CLIENTS = 8
CAPS = (14400, 7200)  # letters an hour: a slot each 0.25 s and each 0.5 s
# A letter may leave late (its worker was busy) and the next on time: a little bunching is allowed,
# a second dispatcher handing out the same slots again would double the count.
STRETCHES = (20, 60)  # in slots
SLACK = 2


def most_in_any_stretch(times: list[float], seconds: float) -> int:
    """The most letters that left within any `seconds` long stretch."""
    times, most, first = sorted(times), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] > seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_two_web_hosts_two_worker_hosts_and_two_beats_on_one_database_and_broker(stack):
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=3)
    paced = list(campaign.targets.order_by("pk")[1:])
    for target, cap in zip(paced, CAPS, strict=True):
        Target.objects.filter(pk=target.pk).update(hourly_cap=cap)
    started = time.monotonic()
    webs = [stack.track(WebServer(env=stack.env, workdir=stack.workdir / f"web-{host}")) for host in "ab"]
    workers = [stack.worker(name=f"worker-{host}") for host in "ab"]
    for process in [*webs, *workers]:
        process.wait_ready()

    def sign(n: int) -> int:
        browser = Browser(webs[n % 2].url)
        letters = "".join(chr(ord("a") + int(digit)) for digit in str(n))  # names are letters only
        form = {
            "first_name": "Host",
            "last_name": f"Signer {letters}",
            "email": f"host{n}@example.net",
            "country": "GB",
        }
        response = browser.sign(campaign.slug, form)
        return response.status_code if response.url.endswith("/share/") else response.text

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(sign, range(SIGNERS)))
    signing_seconds = time.monotonic() - started
    # The slower paced target needs SIGNERS slots of 1 s, after the last signature at the latest.
    settled = wait_until_settled([campaign.pk], timeout=SIGNERS * 3600 / min(CAPS) + 60)

    by_target = {target.pk: [] for target in paced}
    for delivery in Delivery.objects.filter(target__in=paced, status=DeliveryStatus.SENT):
        by_target[delivery.target_id].append(delivery.sent_at.timestamp())
    bursts = {}
    for target, cap in zip(paced, CAPS, strict=True):
        spacing = 3600 / cap
        bursts[cap] = max(
            most_in_any_stretch(by_target[target.pk], stretch * spacing) - stretch for stretch in STRETCHES
        )
    attempts = set(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True))
    stored = Signature.objects.filter(campaign=campaign).count()
    senders = {worker.name: worker.log().count("succeeded in") for worker in workers}

    result = audit(
        "2 web hosts, 2 worker hosts, 2 beats, paced and unpaced targets",
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{SIGNERS} signed through both web hosts in {signing_seconds:.0f} s ({sorted(set(statuses))})",
            "letters beyond the slots of any stretch, by hourly cap: "
            + ", ".join(f"{c}: {b}" for c, b in bursts.items()),
            f"attempts per letter {sorted(attempts)}; tasks run per worker host {senders}",
        ],
    )
    assert statuses == [200] * SIGNERS
    assert stored == SIGNERS
    assert settled
    assert (result.lost, result.duplicates, result.failed, result.counter_drift) == (0, 0, 0, [])
    assert result.sent == result.letters == 3 * SIGNERS
    assert attempts == {1}
    assert all(burst <= SLACK for burst in bursts.values()), bursts
    assert all(senders.values()), f"one worker host did all the work: {senders}"
    assert Delivery.objects.filter(target__in=paced).count() == 2 * SIGNERS
