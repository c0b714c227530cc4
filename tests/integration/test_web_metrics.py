"""Request metrics under gunicorn as the image starts it, with three worker processes: whichever
worker answers a scrape, it reports the requests of all of them (gunicorn.conf.py,
outcry/webmetrics.py)."""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.factories import live_campaign
from tests.integration.processes import ImageGunicorn, database_url, service_env, stop_all

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKEN = "scrape-token-9d04b7"
READS = 60
AT_ONCE = 6  # reads in flight together: a busy worker leaves the next connection to another


def counted_reads(text: str) -> float:
    key = 'outcry_http_requests_total{method="GET",route="petitions:counter",status="200"}'
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(key))


def test_every_worker_process_counts_and_any_of_them_reports_all(tmp_path):
    campaign = live_campaign(slug="metrics-across-workers")
    env = service_env(
        database_url=database_url(connection.settings_dict),
        broker_url=os.environ["REDIS_URL"],
        smtp_port=25,
        var_dir=tmp_path / "var",
    )
    metrics_dir = tmp_path / "metrics"
    env.update(METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    (metrics_dir).mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by an earlier run")
    web = ImageGunicorn(env=env, workdir=tmp_path / "web", workers=3)
    try:
        web.wait_ready()
        url = f"{web.url}/c/{campaign.slug}/counter.json"

        def writers() -> list[str]:
            return sorted(path.name for path in metrics_dir.glob("counter_*.db"))

        # Reads in batches, each on a new connection, until at least READS were made and a second
        # worker has written (workers still booting at first, or the kernel handing every
        # connection to the same idle one, must not make this a matter of luck).
        reads, deadline = 0, time.monotonic() + 60
        with ThreadPoolExecutor(AT_ONCE) as pool:
            while reads < READS or (len(writers()) < 2 and time.monotonic() < deadline):
                statuses = list(pool.map(lambda _: requests.get(url, timeout=10).status_code, range(AT_ONCE)))
                assert statuses == [200] * AT_ONCE
                reads += AT_ONCE
        scrapes = [
            requests.get(f"{web.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
            for _ in range(6)
        ]
        written = writers()
    finally:
        stop_all([web])

    assert [scrape.status_code for scrape in scrapes] == [200] * 6
    assert [counted_reads(scrape.text) for scrape in scrapes] == [reads] * 6
    assert "counter_1.db" not in written  # an earlier run's figures were cleared at the start
    assert len(written) >= 2, written  # more than one process wrote, and the scrape summed them
    assert "outcry_http_request_duration_seconds_bucket" in scrapes[0].text
