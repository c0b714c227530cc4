"""The app through PgBouncer in transaction mode, as docs/operators/scaling.md recommends for many web
and worker processes: eight signers at once over two server connections, every letter sent, the
sweep, the recount and the export, with nothing lost.

Outcry keeps no session state on a connection (no server-side cursors, advisory locks or SET), so
transaction pooling is safe; this test is what keeps it so.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from petitions.models import Delivery, Signature
from tests.factories import live_campaign

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SIGNERS, THREADS, SERVER_CONNECTIONS = 24, 8, 2

# Runs in a process of its own whose DATABASE_URL is PgBouncer: sign through the web from several
# threads, send every letter, sweep, recount and export, and say what it saw.
SCRIPT = """
import json, sys, threading
import django
django.setup()
from django.core import mail
from django.db import connection
from django.test import Client
from campaigns.models import Campaign
from petitions.delivery import sending, sweep
from petitions.models import Delivery
from petitions.privacy import exports
from petitions.reporting.counters import recount_campaign
from petitions.reporting.public import campaign_counters

slug, signers, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
statuses = []

def sign(first):
    browser = Client()
    for n in range(first, signers, threads):
        form = {"first_name": "Pool", "last_name": "Signer", "email": f"pool{n}@example.net", "country": "GB"}
        statuses.append(browser.post(f"/en/c/{slug}/", form).status_code)
    connection.close()

workers = [threading.Thread(target=sign, args=(i,)) for i in range(threads)]
for worker in workers: worker.start()
for worker in workers: worker.join()
campaign = Campaign.objects.get(slug=slug)
for delivery_id in Delivery.objects.filter(campaign=campaign).values_list("pk", flat=True):
    sending.send_delivery(delivery_id=delivery_id)
sweep.sweep_deliveries()
recount_campaign(campaign_id=campaign.pk)
lines = exports.export_signatures_csv(campaign=campaign, partner=None, actor="test", via="command")
rows = sum(line.count("@example.net") for line in lines)
seen = {"statuses": statuses, "sent": len(mail.outbox), "exported": rows}
print(json.dumps(seen | {"counter": campaign_counters(campaign).signatures}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "pgbouncer"], check=False, capture_output=True)
        found = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if found is None or not Path(found).exists():
        pytest.fail("PgBouncer is missing: install Debian's package 'pgbouncer' (apt-get install pgbouncer)")
    return found


@pytest.fixture
def pgbouncer():
    """PgBouncer in transaction mode on a free port, in front of the test database's server. Its
    folder is outside pytest's (root-only) temporary tree: as root it runs as the postgres user."""
    folder = Path(tempfile.mkdtemp(prefix="outcry-test-pgbouncer-"))
    server = connection.settings_dict
    port = free_port()
    (folder / "userlist.txt").write_text(f'"{server["USER"] or "postgres"}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server['HOST'] or '127.0.0.1'} port={server['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {folder}\n"
        f"auth_type = trust\nauth_file = {folder}/userlist.txt\n"
        f"pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 100\n"
        f"logfile = {folder}/pgbouncer.log\npidfile = {folder}/pgbouncer.pid\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    argv = [pgbouncer_binary(), str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # it refuses to run as root
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
        argv = [argv[0], "-u", "postgres", argv[1]]
    output = open(folder / "pgbouncer.out", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                said = [
                    (folder / name).read_text()
                    for name in ("pgbouncer.log", "pgbouncer.out")
                    if (folder / name).exists()
                ]
                pytest.fail(f"PgBouncer did not start: {' '.join(said)[-2000:]}")
            time.sleep(0.1)
    yield f"postgres://{server['USER'] or 'postgres'}@127.0.0.1:{port}/{server['NAME']}", folder
    process.terminate()
    process.wait(timeout=10)
    output.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_signing_sending_and_housekeeping_through_pgbouncer_in_transaction_mode(pgbouncer):
    url, folder = pgbouncer
    campaign = live_campaign(slug="pooled", abuse_min_fill_seconds=None)
    env = {name: value for name, value in os.environ.items() if name not in {"CELERY_BROKER_URL"}}
    env |= {
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "outcry.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "testserver",
    }

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, campaign.slug, str(SIGNERS), str(THREADS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["statuses"] == [302] * SIGNERS
    assert Signature.objects.filter(campaign=campaign).count() == SIGNERS
    assert seen["sent"] == SIGNERS
    assert Delivery.objects.filter(campaign=campaign, status="sent").count() == SIGNERS
    assert (seen["counter"], seen["exported"]) == (SIGNERS, SIGNERS)
    assert "login attempt: db=" in (folder / "pgbouncer.log").read_text()
