"""Webhooks against a real worker with beat and a real receiver on loopback that refuses
connections, then times out, then answers 500 for a while, then 200; and a second endpoint that
never answers. Counted on the receiver's side, by Outcry-Delivery: every event arrives, once;
the endpoint that never answers ends with every delivery given up, none lost."""

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from petitions.enums import WebhookDeliveryStatus
from petitions.models import WebhookDelivery, WebhookEndpoint
from petitions.signing.service import sign_petition
from tests.integration.conftest import purge_broker_queue
from tests.integration.processes import CeleryWorker, free_port, service_env, stop_all, wait_until
from tests.petitions.webhooks.test_webhooks import documented_verifier
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration

SIGNERS = 10
TIMEOUTS = 6  # requests the receiver holds past the sender's timeout, once it listens
ERRORS = 10  # requests it then answers 500
MAX_ATTEMPTS = 12


@pytest.fixture
def webhook_worker(_shared_services, test_database_url, _smtp, transactional_db, tmp_path: Path):
    """A worker with beat whose webhooks are collected twice a second and retried within seconds."""
    _shared_services.stop()
    env = service_env(
        database_url=test_database_url, broker_url=settings.CELERY_BROKER_URL, smtp_port=_smtp.port, var_dir=tmp_path
    )
    env.update(
        WEBHOOK_INTERVAL_SECONDS="0.5",
        WEBHOOK_RETRY_BASE_SECONDS="0.2",
        WEBHOOK_RETRY_MAX_SECONDS="1",
        WEBHOOK_TIMEOUT_SECONDS="1",
        WEBHOOK_MAX_ATTEMPTS=str(MAX_ATTEMPTS),
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true",
    )
    purge_broker_queue(settings.CELERY_BROKER_URL)
    worker = CeleryWorker(env=env, workdir=tmp_path / "worker")
    worker.wait_ready()
    yield worker
    stop_all([worker])
    purge_broker_queue(settings.CELERY_BROKER_URL)


def script(n: int):
    return ("hang", 1.5) if n < TIMEOUTS else 500 if n < TIMEOUTS + ERRORS else 200


def test_webhooks_survive_refusals_timeouts_and_errors_with_nothing_lost_or_doubled(
    letter_campaign, smtp_server, webhook_worker
):
    main_port, dead_port = free_port(), free_port()
    main = WebhookEndpoint.objects.create(
        organisation=letter_campaign.organisation,
        campaign=letter_campaign,
        name="CRM",
        url=f"http://127.0.0.1:{main_port}/hook",
        events=["signature.confirmed", "letter.sent"],
    )
    broken = WebhookEndpoint.objects.create(
        organisation=letter_campaign.organisation,
        name="Gone",
        url=f"http://127.0.0.1:{dead_port}/hook",
        events=["signature.confirmed"],
    )
    for n in range(SIGNERS):
        sign_petition(
            campaign=letter_campaign,
            data={
                "first_name": f"Signer{n}",
                "last_name": "Test",
                "email": f"signer{n}@example.net",
                "country": "GB",
                "consent_to_contact": n % 2 == 0,
            },
            language="en",
            client_ip=None,
        )
    expected = {main.pk: 2 * SIGNERS, broken.pk: SIGNERS}
    # Nothing listens yet: the first attempts are refused.
    wait_until(
        lambda: WebhookDelivery.objects.filter(endpoint=main, attempts__gte=2).count() >= SIGNERS,
        timeout=30,
        what="refused attempts",
    )
    receiver = WebhookReceiver(port=main_port, script=script).start()
    try:
        wait_until(
            lambda: (
                WebhookDelivery.objects.filter(endpoint=main, status=WebhookDeliveryStatus.SENT).count()
                == expected[main.pk]
                and WebhookDelivery.objects.filter(endpoint=broken, status=WebhookDeliveryStatus.DEAD).count()
                == expected[broken.pk]
            ),
            timeout=120,
            what="every delivery sent or given up",
            interval=0.5,
        )
        time.sleep(2)  # anything still to come (a duplicate) has time to arrive
    finally:
        receiver.stop()

    rows = list(WebhookDelivery.objects.all())
    statuses = Counter((row.endpoint_id, row.status) for row in rows)
    accepted = receiver.accepted()
    figures = {
        "events": sum(expected.values()),
        "sent": statuses[(main.pk, WebhookDeliveryStatus.SENT)],
        "retried": sum(row.attempts - 1 for row in rows),
        "timeouts": sum(1 for r in receiver.requests if r.answered == "hang"),
        "answered 500": sum(1 for r in receiver.requests if r.answered == 500),
        "dead-lettered": statuses[(broken.pk, WebhookDeliveryStatus.DEAD)],
        "lost": sum(expected.values()) - len(rows),
        "duplicates": sum(count - 1 for count in accepted.values()),
    }
    print("webhook fault figures:", json.dumps(figures))

    assert figures["sent"] == 2 * SIGNERS
    assert figures["dead-lettered"] == SIGNERS
    assert figures["lost"] == 0
    assert figures["duplicates"] == 0
    assert figures["timeouts"] == TIMEOUTS
    assert figures["answered 500"] == ERRORS
    assert set(accepted) == {str(row.pk) for row in rows if row.endpoint_id == main.pk}
    assert all(row.attempts == MAX_ATTEMPTS for row in rows if row.endpoint_id == broken.pk)
    verify = documented_verifier()
    main.refresh_from_db()
    assert all(verify(main.secret, r.signature, r.body, tolerance=600) for r in receiver.requests)
    confirmed = [
        json.loads(r.body) for r in receiver.requests if r.event == "signature.confirmed" and r.answered == 200
    ]
    assert sum("person" in body["data"] for body in confirmed) == SIGNERS // 2
    log = webhook_worker.log()
    for secret_or_personal in (main.secret, broken.secret, "/hook", "signer0@example.net", "Signer0"):
        assert secret_or_personal not in log
    everything = b"".join(r.body for r in receiver.requests).decode()
    for n in range(1, SIGNERS, 2):  # those who did not agree to be contacted
        assert f"signer{n}@example.net" not in everything
        assert f"Signer{n}" not in everything
