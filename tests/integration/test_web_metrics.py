"""Request metrics under gunicorn as the image starts it, with three worker processes: whichever
worker answers a scrape, it reports the requests of all of them (gunicorn.conf.py,
outcry/webmetrics.py)."""

import os

import pytest
import requests
from django.db import connection

from tests.factories import live_campaign
from tests.integration.processes import ImageGunicorn, database_url, service_env, stop_all

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKEN = "scrape-token-9d04b7"
READS = 60


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
        for _ in range(READS):  # a new connection each: the workers take turns
            assert requests.get(f"{web.url}/c/{campaign.slug}/counter.json", timeout=10).status_code == 200
        scrapes = [
            requests.get(f"{web.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
            for _ in range(6)
        ]
        writers = sorted(path.name for path in metrics_dir.glob("counter_*.db"))
    finally:
        stop_all([web])

    assert [scrape.status_code for scrape in scrapes] == [200] * 6
    assert [counted_reads(scrape.text) for scrape in scrapes] == [READS] * 6
    assert "counter_1.db" not in writers  # an earlier run's figures were cleared at the start
    assert len(writers) >= 2, writers  # more than one process wrote, and the scrape summed them
    assert "outcry_http_request_duration_seconds_bucket" in scrapes[0].text
