"""Redis hung (SIGSTOP: connections are accepted, nothing answers) while people sign: signing must
not wait on it. Each POST is answered quickly, every signature is stored and counted (the abuse
limits fail open), /healthz answers within a second saying what is degraded, and once Redis
answers again the sweeper enqueues the letters that could not be published: all sent, none twice.

The worker starts only after Redis is thawed, so that what is measured is the web process alone.
"""

import statistics
import time

import pytest
import requests

from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from tests.integration.browser import Browser
from tests.integration.processes import CeleryWorker, WebServer, stop_all, wait_until

pytestmark = pytest.mark.integration

SIGNERS = 8
MAX_POST_SECONDS = 1.5
MAX_MEDIAN_POST_SECONDS = 0.5  # about 0.02 s measured; room for a busy machine
MAX_HEALTHZ_SECONDS = 1.0
# The old code waited up to ~25 s a POST: the client must outwait it for the "before" figures.
CLIENT_TIMEOUT_SECONDS = 60.0


def post_seconds(response: requests.Response) -> float:
    """Time to the POST's own answer (the redirect to the sharing page), not the page fetched after."""
    return (response.history[0] if response.history else response).elapsed.total_seconds()


def test_signing_and_healthz_do_not_wait_on_a_frozen_redis(
    letter_campaign, bob_form, smtp_server, private_redis, private_redis_env, tmp_path
):
    env = private_redis_env | {"ABUSE_REDIS_URL": private_redis.url}
    web = WebServer(env=env, workdir=tmp_path / "web")
    processes = [web]
    try:
        web.wait_ready()
        browser = Browser(web.url)
        # One signature first, so the web process holds live connections to Redis when it hangs.
        warm_up = browser.sign(letter_campaign.slug, bob_form | {"email": "warm.up@example.net"})
        private_redis.freeze()
        responses = [
            browser.sign(
                letter_campaign.slug, bob_form | {"email": f"frozen{n}@example.net"}, timeout=CLIENT_TIMEOUT_SECONDS
            )
            for n in range(SIGNERS)
        ]
        started = time.monotonic()
        health = requests.get(f"{web.url}/healthz", timeout=CLIENT_TIMEOUT_SECONDS)
        health_seconds = time.monotonic() - started
        left_for_sweeper = Delivery.objects.filter(
            campaign=letter_campaign, status=DeliveryStatus.QUEUED, enqueued_at__isnull=True
        ).count()
        private_redis.thaw()
        worker = CeleryWorker(env=env, workdir=tmp_path / "worker")
        processes.append(worker)
        letters = smtp_server.wait_for_messages(SIGNERS + 1, timeout=60, then_quiet_for=3.0)
        wait_until(
            lambda: (
                Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).count() == SIGNERS + 1
            ),
            timeout=10,
            what="every delivery to be recorded as sent",
        )
    finally:
        private_redis.thaw()
        stop_all(processes)

    timings = [post_seconds(response) for response in responses]
    print(
        f"POST with Redis frozen: median {statistics.median(timings):.3f} s, max {max(timings):.3f} s "
        f"({', '.join(f'{t:.3f}' for t in timings)}); /healthz {health_seconds:.3f} s: {health.text}"
    )
    thanks_url = f"{browser.base_url}/c/{letter_campaign.slug}/share/"
    assert {(r.status_code, r.url) for r in [warm_up, *responses]} == {(200, thanks_url)}
    assert max(timings) < MAX_POST_SECONDS
    assert statistics.median(timings) < MAX_MEDIAN_POST_SECONDS
    assert health_seconds < MAX_HEALTHZ_SECONDS
    assert health.status_code == 200  # the database answers: signatures can be taken
    assert health.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unavailable",
        "abuse_store": "unavailable",
    }
    # Screened by everything that needs no Redis, and not held for the limits Redis keeps.
    statuses = Signature.objects.filter(campaign=letter_campaign).values_list("status", flat=True)
    assert list(statuses) == [SignatureStatus.CONFIRMED] * (SIGNERS + 1)
    assert left_for_sweeper == SIGNERS
    assert len(letters) == SIGNERS + 1  # none lost, none twice
