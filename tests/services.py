"""Run a command (the test suite) with PostgreSQL and Redis, starting throwaway ones when none runs.

    python tests/services.py .venv/bin/pytest ...     (what `make test` does)

For each service, in order:
1. DATABASE_URL / REDIS_URL set: used as given. Nothing is started, nothing is checked here (the
   suite's own preflight says so if they do not answer).
2. Else the usual local service (TEST_DATABASE_URL / TEST_REDIS_URL, by default 127.0.0.1:5432 and
   127.0.0.1:6379), if it answers.
3. Else a throwaway one: a PostgreSQL cluster made with initdb in a temporary folder (trust
   authentication, no fsync: its data is dropped anyway) and a redis-server saving nothing, each on
   a free loopback port, from the installed binaries. Missing binaries are installed from Debian's
   packages when we may (root with apt-get), as the Makefile does for Chromium. Both are stopped and
   their folder removed when the command ends, whatever way it ends.

`--own-postgres` always starts a throwaway cluster (the fault suite restarts and crashes it) and
tells the command how in OUTCRY_TEST_POSTGRES_CONTROL (JSON: pg_ctl, data folder, options, log).

A developer's own databases are never touched: a throwaway cluster is new and empty, and an
existing service is only ever used through the URL the suite would have used anyway.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/outcry"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
READY_TIMEOUT = 30  # seconds for a throwaway service to answer
DEBIAN_PACKAGES = {"postgresql": "postgresql", "redis": "redis-server"}


def log(message: str) -> None:
    print(f"[test services] {message}", file=sys.stderr, flush=True)


def answers(url: str) -> bool:
    """Whether something listens where `url` points (a TCP connect: no login, no query)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not answers(f"tcp://127.0.0.1:{port}"):
        if time.monotonic() > deadline:
            tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
            raise RuntimeError(f"the throwaway {what} did not start on port {port}:\n{tail}")
        time.sleep(0.1)


def install(service: str) -> None:
    package = DEBIAN_PACKAGES[service]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(
            f"{service} is not running and not installed: install Debian's package '{package}' "
            f"(sudo apt-get install {package}), or set DATABASE_URL / REDIS_URL."
        )
    log(f"installing Debian's {package}")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(["apt-get", "install", "-y", "-qq", package], check=False, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, **quiet)


def postgres_bin(name: str) -> str | None:
    """The newest installed PostgreSQL's binary (Debian keeps them out of PATH), else PATH's."""
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    return versions[-1] if versions else shutil.which(name)


def as_postgres_owner(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


CONTROL: dict = {}  # how to stop and start the throwaway cluster, for OUTCRY_TEST_POSTGRES_CONTROL


def throwaway_postgres(stack: ExitStack, *, crash_safe: bool = False) -> str:
    """A new cluster. Commits are acknowledged before they reach the log unless `crash_safe` (the
    fault suite crashes it, and an acknowledged signature must then survive, as in production)."""
    if postgres_bin("initdb") is None:
        install("postgresql")
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="outcry-test-postgres-"))
    stack.callback(shutil.rmtree, folder, True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, log_path, port = folder / "data", folder / "postgres.log", free_port()
    subprocess.run(
        as_postgres_owner([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # fsync off either way: the machine does not crash, only the server's processes may.
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    options += "" if crash_safe else " -c synchronous_commit=off"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(log_path), "-w", "start"]
    subprocess.run(as_postgres_owner(start), check=True, stdout=subprocess.DEVNULL)
    stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
    stack.callback(subprocess.run, as_postgres_owner(stop), check=False, stdout=subprocess.DEVNULL)
    wait_until_listening(port, "PostgreSQL", log_path)
    CONTROL.update(pg_ctl=pg_ctl, data=str(data), options=options, log=str(log_path), as_postgres=os.geteuid() == 0)
    log(f"started a throwaway PostgreSQL on 127.0.0.1:{port} in {folder}")
    return f"postgres://postgres@127.0.0.1:{port}/outcry"


def throwaway_redis(stack: ExitStack) -> str:
    if shutil.which("redis-server") is None:
        install("redis")
    folder = Path(tempfile.mkdtemp(prefix="outcry-test-redis-"))
    stack.callback(shutil.rmtree, folder, True)
    port, log_path = free_port(), folder / "redis.log"
    argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    with open(log_path, "wb") as out:
        server = subprocess.Popen([*argv, "--dir", str(folder)], stdout=out, stderr=subprocess.STDOUT)
    stack.callback(_stop, server)
    wait_until_listening(port, "Redis", log_path)
    log(f"started a throwaway Redis on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}/0"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def service_url(stack: ExitStack, variable: str, default: str, start) -> str:
    if os.environ.get(variable):
        return os.environ[variable]
    if answers(default):
        return default
    log(f"nothing answers at {default}")
    return start(stack)


def main(argv: list[str]) -> int:
    own_postgres = argv[:1] == ["--own-postgres"]
    if own_postgres:
        argv = argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    # SIGTERM unwinds like Ctrl-C, so the throwaway services are stopped and removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with ExitStack() as stack:
        try:
            env = {
                **os.environ,
                "DATABASE_URL": throwaway_postgres(stack, crash_safe=True)
                if own_postgres
                else service_url(
                    stack,
                    "DATABASE_URL",
                    os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL,
                    throwaway_postgres,
                ),
                "REDIS_URL": service_url(
                    stack, "REDIS_URL", os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL, throwaway_redis
                ),
            }
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            log(f"could not start the services: {exc}")
            return 3
        if CONTROL:
            env["OUTCRY_TEST_POSTGRES_CONTROL"] = json.dumps(CONTROL)
        child = subprocess.Popen(argv, env=env)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            try:
                return child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
