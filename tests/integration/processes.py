"""Real services for the integration suite: the app's own web server and Celery worker, and a
private Redis, each a subprocess on a loopback port with its output in a log file.

Every process is started in its own session, so stopping it reaches the whole process group: the
worker's pool children and embedded beat, gunicorn's workers.
"""

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, TypeVar
from urllib.parse import quote

import redis
import requests

REPO_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

T = TypeVar("T")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(probe: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database, in a test)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def service_env(*, database_url: str, broker_url: str, smtp_port: int, var_dir: Path) -> dict[str, str]:
    """The environment of the app's processes: this one's, pointed at the test's services."""
    env = {name: value for name, value in os.environ.items() if name not in {"EMAIL_BACKEND", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="outcry.settings",
        DATABASE_URL=database_url,
        REDIS_URL=broker_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SWEEP_INTERVAL_SECONDS="1",
        DIGEST_COMPOSE_INTERVAL_SECONDS="1",
        SWEEP_GRACE_SECONDS="1",
        DELIVERY_RETRY_BASE_SECONDS="1",
        DEBUG="true",
        OUTCRY_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


class ServiceProcess:
    """A subprocess writing to a log file; `running` lists the live ones for failure reports."""

    running: ClassVar[list["ServiceProcess"]] = []

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str] | None, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        # A restarted service appends to the same file: its own output starts here.
        self._start = self._mark = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=REPO_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ServiceProcess.running.append(self)

    def log(self, *, since_mark: bool = False) -> str:
        """What this process wrote, or only what it wrote since mark()."""
        with self.log_path.open("rb") as log:
            log.seek(self._mark if since_mark else self._start)
            return log.read().decode(errors="replace")

    def mark(self) -> None:
        """Later log(since_mark=True) calls show only what was written from now on."""
        self._mark = self.log_path.stat().st_size

    def is_ready(self) -> bool:
        raise NotImplementedError

    def wait_ready(self, *, timeout: float = 30.0) -> None:
        """Block until is_ready(); if the process dies or times out, stop it and show its log."""
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} was not ready after {timeout:.0f}s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self, timeout: float = 10.0) -> None:
        stop_all([self], timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crash or the OOM killer would: no
        shutdown code runs, nothing is acknowledged or handed back."""
        if self in ServiceProcess.running:
            ServiceProcess.running.remove(self)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def stop_all(processes: list[ServiceProcess], *, timeout: float = 10.0) -> None:
    """SIGTERM to each process group at once, then SIGKILL for whatever is left after `timeout`."""
    for service in processes:
        if service in ServiceProcess.running:
            ServiceProcess.running.remove(service)
        if service.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for service in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.process.wait(max(0.0, deadline - time.monotonic()))
        # Pool children or a beat process can outlive their parent; the group id still names them.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait()


class CeleryWorker(ServiceProcess):
    """`celery worker -B`: two pool processes plus the embedded beat that runs the sweeper.

    `concurrency` and `beat` change the pool size and leave beat out; `name` tells several workers'
    logs apart. restarted() starts the same worker again, appending to the same log."""

    def __init__(
        self, *, env: dict[str, str], workdir: Path, concurrency: int = 2, beat: bool = True, name: str = "worker"
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self._options = {"env": env, "workdir": workdir, "concurrency": concurrency, "beat": beat, "name": name}
        self.beat = beat
        # A worker killed while beat wrote its schedule may leave a torn file: each start has its own.
        schedule = workdir / f"celerybeat-schedule-{uuid.uuid4().hex[:8]}"
        super().__init__(
            "celery worker" if name == "worker" else f"celery {name}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "outcry",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                *(["-B", "--schedule", str(schedule)] if beat else []),
                "--hostname",
                f"integration-{uuid.uuid4().hex[:8]}@%h",
            ],
            env=env,
            log_path=workdir / f"{name}.log",
        )

    def critical_lines(self) -> list[str]:
        """The lines of its log that say it could not go on."""
        return [line for line in self.log().splitlines() if "CRITICAL" in line or "Unrecoverable" in line]

    def restarted(self) -> "CeleryWorker":
        """A new worker with the same options (call after stop() or kill())."""
        return CeleryWorker(**self._options)

    def is_ready(self) -> bool:
        log = self.log()
        return " ready." in log and (not self.beat or "beat: Starting" in log)


def answers(url: str) -> bool:
    """Whether the app at `url` answers its health check at all (whatever it says)."""
    try:
        requests.get(f"{url}/healthz", timeout=1)
    except requests.RequestException:
        return False
    return True


class WebServer(ServiceProcess):
    """The app under gunicorn, as in production, on a free loopback port."""

    def __init__(self, *, env: dict[str, str], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        super().__init__(
            "web (gunicorn)",
            [
                str(VENV_BIN / "gunicorn"),
                "outcry.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--graceful-timeout",
                "2",
                "--no-control-socket",  # its default path is shared by every gunicorn of the user
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
            ],
            env=env,
            log_path=workdir / "web.log",
        )

    def is_ready(self) -> bool:
        return answers(self.url)


def image_gunicorn_command(port: int, *, workers: int = 1) -> list[str]:
    """The Dockerfile's CMD, on a loopback port with `workers` processes."""
    text = (REPO_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    command = json.loads(next(line for line in text.splitlines() if line.startswith("CMD "))[4:])
    overrides = {"--bind": f"127.0.0.1:{port}", "--workers": str(workers)}
    argv = [str(VENV_BIN / command[0])]
    argv += [overrides.get(previous, argument) for previous, argument in itertools.pairwise(command)]
    return [*argv, "--no-control-socket"]  # its default path is shared by every gunicorn of the user


class ImageGunicorn(ServiceProcess):
    """gunicorn started as the Docker image starts it, from the project directory."""

    def __init__(self, *, env: dict[str, str], workdir: Path, workers: int = 1) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        argv = image_gunicorn_command(self.port, workers=workers)
        super().__init__("gunicorn as in the image", argv, env=env, log_path=workdir / "web.log")

    def is_ready(self) -> bool:
        return answers(self.url)


class PrivateRedis:
    """A redis-server of the test's own, without persistence, that can be stopped and started again
    on the same port: a restart comes back empty, as a real Redis without a dump would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self._process: ServiceProcess | None = None

    def start(self, timeout: float = 10.0) -> None:
        self._process = _RedisServer(self)
        self._process.wait_ready(timeout=timeout)

    def stop(self) -> None:
        if self._process is not None:
            self.thaw()  # a stopped process would sit on SIGTERM until the SIGKILL
            self._process.stop()
            self._process = None

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a crash would: clients lose their connections mid-read."""
        if self._process is not None:
            self.thaw()
            self._process.kill()
            self._process = None

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel does that) but nothing answers,
        as with a hung host or a stalled disk. Harder on clients than a Redis that is down."""
        os.kill(self._process.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._process.process.pid, signal.SIGCONT)

    def is_up(self) -> bool:
        try:
            with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False


class _RedisServer(ServiceProcess):
    def __init__(self, owner: PrivateRedis) -> None:
        self._owner = owner
        super().__init__(
            "private redis",
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(owner.port), "--save", "", "--appendonly", "no"],
            env=None,
            log_path=owner.workdir / "redis.log",
        )

    def is_ready(self) -> bool:
        return self._owner.is_up()
