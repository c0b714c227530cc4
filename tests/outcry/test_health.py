import time

import pytest
from django.db import connection

from outcry import health
from outcry.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_ok_when_everything_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "abuse_store": "ok"}


@pytest.mark.django_db
def test_healthz_is_degraded_not_down_without_the_broker_and_the_abuse_store(client, monkeypatch, settings):
    """Signing goes on without Redis (letters wait for the sweeper): a load balancer must keep
    sending people to this server."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    settings.ABUSE_REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unavailable",
        "abuse_store": "unavailable",
    }


@pytest.mark.django_db
def test_healthz_without_an_abuse_store_configured_is_ok(client, settings):
    settings.ABUSE_REDIS_URL = ""  # the embedded setup: counters in the process's cache

    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "abuse_store": "not configured",
    }


@pytest.mark.django_db(transaction=True)
def test_healthz_names_an_unreachable_database(client):
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok", "abuse_store": "ok"}


@pytest.mark.django_db
def test_healthz_answers_within_a_second_while_a_check_hangs_and_starts_no_second_copy(client, monkeypatch):
    started = []

    def hangs() -> str:
        started.append(1)
        time.sleep(3)
        return "ok"

    monkeypatch.setitem(health.CHECKS, "broker", hangs)
    timings = []
    for _ in range(2):
        began = time.monotonic()
        response = client.get("/healthz")
        timings.append(time.monotonic() - began)
    health._running["broker"].result()  # the next test starts with no run in progress

    assert max(timings) < 1.0
    assert (response.status_code, response.json()["status"], response.json()["broker"]) == (
        200,
        "degraded",
        "unavailable",
    )
    assert started == [1]  # the second probe waited on the run still hanging
