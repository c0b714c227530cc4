"""Fixtures for the integration suite: a real SMTP server, Celery worker with beat, web server and,
for outage tests, a private Redis.

The worker and the web server on REDIS_URL are started once for this package, on first use, and
shared by its tests: their start-up costs seconds, and a test cannot leave anything behind for the
next one, because every test here commits its data (transactional_db) and the database is emptied
after it, the broker queue is purged before it, and sending starts with a claim on a row that no
longer exists. They are stopped when the package is done, so no other test in the session meets a
live worker. Tests that take Redis down stop them and get a private Redis with their own web
server and worker.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from kombu import Connection

from campaigns.models import Campaign
from outcry.celery import app as celery_app
from tests.factories import live_campaign
from tests.integration.browser import Browser
from tests.integration.processes import (
    CeleryWorker,
    PrivateRedis,
    ServiceProcess,
    WebServer,
    database_url,
    free_port,
    service_env,
    stop_all,
)
from tests.integration.smtp import RecordingHandler, SmtpServer

LOG_TAIL_CHARS = 20_000


def purge_broker_queue(broker_url: str) -> None:
    with Connection(broker_url, connect_timeout=2) as connection:
        for queue in celery_app.conf.task_queues:
            connection.default_channel.queue_purge(queue.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test shows what every live service logged while it ran."""
    report = yield
    if report.failed and report.when in {"setup", "call"}:
        for process in ServiceProcess.running:
            report.sections.append((f"{process.name} log", process.log(since_mark=True)[-LOG_TAIL_CHARS:]))
    return report


@pytest.fixture(autouse=True)
def _mark_service_logs():
    for process in ServiceProcess.running:
        process.mark()


@pytest.fixture(scope="package")
def _services_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("integration-services")


@pytest.fixture(scope="package")
def _smtp() -> SmtpServer:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(_smtp: SmtpServer) -> RecordingHandler:
    """The SMTP server the app sends through, empty and accepting everything at the start of a test."""
    _smtp.handler.reset()
    yield _smtp.handler
    _smtp.handler.reset()


@pytest.fixture
def letter_campaign(transactional_db) -> Campaign:
    """A live campaign with one target, committed. Its slug is new in every test: the shared web
    server caches campaign pages by slug for a few seconds."""
    return live_campaign(goal=100)


@pytest.fixture(scope="package")
def test_database_url(django_db_setup) -> str:
    """DATABASE_URL of the test database pytest-django created, for the app's own processes."""
    from django.db import connection

    return database_url(connection.settings_dict)


class SharedServices:
    """The package's worker and web server on REDIS_URL, started on first use.

    Outage tests stop them (see stack_on_private_redis): a second worker on the same database
    would sweep the test's rows through the healthy broker and hide the outage."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self._env = env
        self._workdir = workdir
        self.worker: CeleryWorker | None = None
        self.web: WebServer | None = None

    def start(self) -> None:
        if self.worker is not None:
            return
        purge_broker_queue(settings.CELERY_BROKER_URL)
        # Both start at once; each takes a couple of seconds to import Django and connect.
        self.worker = CeleryWorker(env=self._env, workdir=self._workdir / "worker")
        self.web = WebServer(env=self._env, workdir=self._workdir / "web")
        try:
            self.worker.wait_ready()
            self.web.wait_ready()
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        if self.worker is None:
            return
        stop_all([self.web, self.worker])
        self.worker = self.web = None
        # A stopping worker hands its unacknowledged messages back to the queue: drop them too.
        purge_broker_queue(settings.CELERY_BROKER_URL)


@pytest.fixture(scope="package")
def _shared_services(test_database_url: str, _smtp: SmtpServer, _services_dir: Path) -> SharedServices:
    env = service_env(
        database_url=test_database_url,
        broker_url=settings.CELERY_BROKER_URL,
        smtp_port=_smtp.port,
        var_dir=_services_dir / "var",
    )
    services = SharedServices(env, _services_dir)
    yield services
    services.stop()


@pytest.fixture
def celery_worker(_shared_services: SharedServices, transactional_db) -> CeleryWorker:
    """A running worker with beat (sweeper every second) on REDIS_URL, with an empty queue.

    Needs committed data: the worker reads the database through its own connections."""
    _shared_services.start()
    purge_broker_queue(settings.CELERY_BROKER_URL)
    return _shared_services.worker


@pytest.fixture
def web_server(_shared_services: SharedServices, transactional_db) -> Browser:
    """A browser pointed at the app served by gunicorn on REDIS_URL."""
    _shared_services.start()
    return Browser(_shared_services.web.url)


@pytest.fixture
def private_redis(tmp_path: Path) -> PrivateRedis:
    """A redis-server of this test's own, which the test may stop and start again."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass(frozen=True)
class PrivateStack:
    redis: PrivateRedis
    worker: CeleryWorker
    browser: Browser


@pytest.fixture
def private_redis_env(
    private_redis: PrivateRedis,
    test_database_url: str,
    _smtp: SmtpServer,
    _shared_services: SharedServices,
    transactional_db,
    tmp_path: Path,
) -> dict[str, str]:
    """The app's environment with `private_redis` as its broker; the shared worker is stopped, so no
    other worker takes the test's messages."""
    _shared_services.stop()
    return service_env(
        database_url=test_database_url, broker_url=private_redis.url, smtp_port=_smtp.port, var_dir=tmp_path / "var"
    )


@pytest.fixture
def stack_on_private_redis(
    private_redis: PrivateRedis, private_redis_env: dict[str, str], tmp_path: Path
) -> PrivateStack:
    """A web server and a worker with beat whose broker is `private_redis`, and no other worker."""
    env = private_redis_env
    worker = CeleryWorker(env=env, workdir=tmp_path / "worker")
    web = WebServer(env=env, workdir=tmp_path / "web")
    try:
        worker.wait_ready()
        web.wait_ready()
        yield PrivateStack(redis=private_redis, worker=worker, browser=Browser(web.url))
    finally:
        stop_all([web, worker])
