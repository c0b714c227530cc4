"""`make test` on a machine where nothing runs: tests/services.py starts a throwaway PostgreSQL and
Redis for the command, and removes them after; given URLs and running services are used as they are."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CLOSED = "127.0.0.1:9"  # the discard port: nothing listens on loopback

# What the command sees: the two URLs, and whether each answers a real login and a PING.
PROBE = """
import json, os, psycopg2, redis
db, broker = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
url = __import__("urllib.parse").parse.urlsplit(db)
psycopg2.connect(host=url.hostname, port=url.port, user=url.username, dbname="postgres").close()
print(json.dumps({"database": db, "redis": broker, "ping": redis.Redis.from_url(broker).ping()}))
"""


def run_with_services(**env) -> tuple[subprocess.CompletedProcess, dict]:
    clean = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "tests/services.py", sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result, json.loads(result.stdout.strip().splitlines()[-1])


def listening(url: str) -> bool:
    import socket

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def test_with_nothing_running_it_starts_both_and_removes_them_after():
    result, seen = run_with_services(
        TEST_DATABASE_URL=f"postgres://postgres@{CLOSED}/outcry", TEST_REDIS_URL=f"redis://{CLOSED}/0"
    )

    assert seen["ping"] is True
    assert urlsplit(seen["database"]).port not in {9, 5432}
    assert urlsplit(seen["redis"]).port not in {9, 6379}
    assert "started a throwaway PostgreSQL" in result.stderr
    assert "started a throwaway Redis" in result.stderr
    assert not listening(seen["database"])
    assert not listening(seen["redis"])
    folders = [line.rsplit(" in ", 1)[1] for line in result.stderr.splitlines() if "PostgreSQL on" in line]
    assert folders
    assert not Path(folders[0]).exists()


def test_given_urls_are_used_as_they_are_and_nothing_is_started():
    database, broker = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]

    result, seen = run_with_services(DATABASE_URL=database, REDIS_URL=broker)

    assert (seen["database"], seen["redis"]) == (database, broker)
    assert "throwaway" not in result.stderr
