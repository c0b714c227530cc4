"""PostgreSQL restarted, crashed and down for 30 s while people sign and letters are sent.

The suite's own cluster (tests/faults/postgres.py) is stopped under the running worker and signers:
`fast` as an operator's restart does, `immediate` as a crash. While it is down, signing fails (the
web answers 503 and keeps the form: tests/petitions/web/test_database_outage.py), the worker holds
its message and waits for the database instead of failing through the queue, and a letter sent as
the database went away is recorded once it is back. Afterwards every signature that was stored has
its letters, each sent once, but for at most one letter a fault whose SMTP send was accepted in the
moment the database went (it is then recorded as sent again, under the same Message-ID).
"""

import time

import pytest
from django.db import connection

from petitions.models import Signature
from tests.faults import postgres
from tests.faults.audit import audit, wait_until_settled
from tests.faults.letters import unpaced_campaign
from tests.faults.signer import Signer

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not postgres.available(), reason=postgres.WHY_NOT),
]

SIGNING_RATE = 15  # people a second, two letters each
RECOVERY_GOAL_SECONDS = 60.0
# What a signer's sign_petition may raise while the database is away: the web turns these into
# its translated 503 (outcry/outages.py).
UNAVAILABLE = ("OperationalError", "InterfaceError")


@pytest.mark.parametrize(
    ("case", "mode", "repeats", "down_seconds"),
    [
        ("PostgreSQL fast restart x2 while signing", "fast", 2, 1.0),
        ("PostgreSQL crash (immediate) while signing", "immediate", 1, 1.0),
        ("PostgreSQL down 30 s while signing", "fast", 1, 30.0),
    ],
)
def test_postgres_fault_while_people_sign(stack, case, mode, repeats, down_seconds):
    handler = stack.smtp.handler
    campaign = unpaced_campaign(targets=2)
    started = time.monotonic()
    worker = stack.worker()
    worker.wait_ready()
    signing_seconds = 10 + repeats * (down_seconds + 8)
    signer = Signer(
        stack,
        campaign_id=campaign.pk,
        first=0,
        count=int(SIGNING_RATE * signing_seconds),
        rate=SIGNING_RATE,
        name="signer",
    )
    time.sleep(4)

    for _ in range(repeats):
        postgres.stop(mode)
        time.sleep(down_seconds)
        postgres.start()
        back_at = time.monotonic()
        time.sleep(4)
    signed = signer.result(timeout=signing_seconds + 120)
    connection.close()  # the test's own connection went with the server
    settled = wait_until_settled([campaign.pk], timeout=RECOVERY_GOAL_SECONDS)
    settled_after = time.monotonic() - back_at
    stored = Signature.objects.filter(campaign=campaign).count()

    result = audit(
        case,
        campaign_ids=[campaign.pk],
        handler=handler,
        started=started,
        notes=[
            f"{signed['signed']} acknowledged, {stored} stored, {signed['error_count']} refused while it was down "
            f"(the web's 503: {', '.join(sorted({error.split(':')[0] for error in signed['errors']})) or 'none'})",
            f"letters settled {settled_after:.0f} s after the last start",
            f"worker still the first process: {worker.process.poll() is None}",
        ],
    )
    assert settled, f"letters still pending {RECOVERY_GOAL_SECONDS:.0f} s after the database came back"
    assert (result.lost, result.failed, result.counter_drift) == (0, 0, [])
    assert result.letters == 2 * stored >= 2 * signed["signed"]
    assert result.duplicates <= repeats
    assert signed["error_count"] > 0  # the fault did land on signers
    assert all(error.startswith(UNAVAILABLE) for error in signed["errors"]), signed["errors"]
    assert worker.process.poll() is None  # the same worker rode it out
