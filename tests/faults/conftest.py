"""The fault suite: real Celery workers, a private Redis per case, PostgreSQL and an SMTP server on
loopback that misbehaves on demand. Each case ends with an audit (audit.py) whose row goes to the
table printed at the end of the run and written to test-artifacts/faults.md.

It takes minutes, so a plain `pytest` (make test) leaves it out; it runs when asked for by path
(`pytest tests/faults`, what `make faults` runs) or by marker (`-m faults`).

Knobs, all environment variables: FAULTS_REDIS_OUTAGE_SECONDS (60), FAULTS_4XX_SECONDS (30),
FAULTS_HANG_SECONDS (10), FAULTS_KILLS (5), FAULTS_SEED (random; printed in the table).
"""

import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.faults.audit import TABLE
from tests.integration.processes import (
    CeleryWorker,
    PrivateRedis,
    ServiceProcess,
    database_url,
    free_port,
    service_env,
    stop_all,
)
from tests.integration.smtp import SmtpServer

FAULTS_DIR = Path(__file__).resolve().parent
LOG_TAIL_CHARS = 15_000

# The worker's settings in every case: a short lease that still outlasts the slowest send (ten
# replies of EMAIL_TIMEOUT each, as petitions/checks.py requires); the sweeper every second;
# retries after 1 s, 2 s, 4 s, ...; no counter reconciliation, which would correct (and so hide)
# drift before the audit sees it.
WORKER_SETTINGS = {
    "DELIVERY_LEASE_SECONDS": "20",
    "EMAIL_TIMEOUT": "2",
    "SWEEP_INTERVAL_SECONDS": "1",
    "SWEEP_GRACE_SECONDS": "3",
    "DELIVERY_RETRY_BASE_SECONDS": "1",
    "DELIVERY_MAX_ATTEMPTS": "8",
    "RECONCILE_INTERVAL_SECONDS": "86400",
}
SEED = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1_000_000))


def knob(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: the fault suite (make faults): workers killed, Redis down, SMTP faults")


def _asked_for(config: pytest.Config) -> bool:
    if "faults" in (config.getoption("markexpr", "") or ""):
        return True
    here = config.invocation_params.dir
    for arg in config.args:
        path = (here / arg.split("::")[0]).resolve()
        if path == FAULTS_DIR or FAULTS_DIR in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the fault suite out of runs that did not ask for it."""
    if _asked_for(config):
        return
    left_out = [item for item in items if item.get_closest_marker("faults")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if TABLE.rows:
        terminalreporter.section("fault suite")
        terminalreporter.write(TABLE.markdown())
        terminalreporter.write_line(f"written to {TABLE.path}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing case shows the tail of every log its processes wrote, the killed ones included."""
    report = yield
    stack = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
    if report.failed and report.when in {"setup", "call"} and stack is not None:
        for path in stack.log_paths():
            text = path.read_text(errors="replace") if path.exists() else ""
            report.sections.append((f"{path.name}", text[-LOG_TAIL_CHARS:]))
    return report


@pytest.fixture(scope="session")
def _table_header() -> None:
    TABLE.header = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; seed {SEED} (FAULTS_SEED).",
        "Worker settings: " + ", ".join(f"{name}={value}" for name, value in WORKER_SETTINGS.items()) + ".",
        "lost: letters not ending as expected; duplicates: extra copies the SMTP server accepted "
        "(messages minus distinct Message-IDs); kills: SIGKILLs of the whole worker (pool and beat).",
    ]


@pytest.fixture(scope="session")
def test_database_url(django_db_setup) -> str:
    from django.db import connection

    return database_url(connection.settings_dict)


@pytest.fixture
def smtp(transactional_db) -> SmtpServer:
    """A fresh SMTP server on its own loopback port, accepting everything until told otherwise."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.handler.reset()  # releases any session still held, hung or delayed
    server.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> PrivateRedis:
    """The case's own redis-server: its queue starts empty and nobody else uses it."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


class Stack:
    """The processes of one case: workers (and signers) on the case's Redis, database and SMTP
    server. Everything started here is stopped when the case ends, however it ends."""

    def __init__(self, *, env: dict[str, str], workdir: Path, redis: PrivateRedis, smtp: SmtpServer) -> None:
        self.env = env
        self.workdir = workdir
        self.redis = redis
        self.smtp = smtp
        self.processes: list[ServiceProcess] = []
        self.rng = random.Random(SEED)

    def worker(self, *, concurrency: int = 2, beat: bool = True, name: str = "worker") -> CeleryWorker:
        worker = CeleryWorker(env=self.env, workdir=self.workdir, concurrency=concurrency, beat=beat, name=name)
        self.processes.append(worker)
        return worker

    def restart(self, worker: CeleryWorker) -> CeleryWorker:
        again = worker.restarted()
        self.processes.append(again)
        return again

    def supervised(self, worker: CeleryWorker) -> "Supervisor":
        return Supervisor(self, worker)

    def track(self, process: ServiceProcess) -> ServiceProcess:
        self.processes.append(process)
        return process

    def log_paths(self) -> list[Path]:
        return list(dict.fromkeys(process.log_path for process in self.processes))

    def stop(self) -> None:
        stop_all([process for process in self.processes if process.process.poll() is None])


class Supervisor:
    """Starts a worker again whenever it exits, as production's process manager does (compose's
    `restart: unless-stopped`); each exit is recorded with the worker's last critical log line."""

    def __init__(self, stack: Stack, worker: CeleryWorker) -> None:
        self.stack = stack
        self.worker = worker
        self.exits: list[str] = []

    def check(self) -> None:
        if self.worker.process.poll() is None:
            return
        critical = self.worker.critical_lines()
        self.exits.append(critical[-1][-160:] if critical else f"exit status {self.worker.process.returncode}")
        self.worker = self.stack.restart(self.worker)  # not waited for: the broker may still be down

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.check()
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


@pytest.fixture
def stack(_table_header, test_database_url: str, smtp: SmtpServer, redis_server: PrivateRedis, tmp_path: Path) -> Stack:
    env = service_env(
        database_url=test_database_url, broker_url=redis_server.url, smtp_port=smtp.port, var_dir=tmp_path / "var"
    )
    env.update(WORKER_SETTINGS)
    case = Stack(env=env, workdir=tmp_path / "processes", redis=redis_server, smtp=smtp)
    try:
        yield case
    finally:
        case.stop()
