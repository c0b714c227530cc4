"""LOG_FORMAT=json: one scrubbed JSON object a line, from the app, from gunicorn and from Celery."""

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outcry.logformat import JsonFormatter, log_format

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.unit
def test_a_json_line_holds_the_message_scrubbed_and_the_traceback():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("outcry.test.json")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("refused bob@example.net")
        except ValueError:
            logger.exception("Letter to %s from %s failed", "minister@gov.example", "203.0.113.9")
    finally:
        logger.removeHandler(handler)

    entry = json.loads(out.getvalue())
    assert entry["message"] == "Letter to [email] from [ip] failed"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "outcry.test.json"
    assert "ValueError: refused [email]" in entry["exception"]
    assert entry["time"].endswith("+00:00")


@pytest.mark.unit
def test_an_unknown_log_format_is_refused(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "jsno")

    with pytest.raises(ValueError, match="LOG_FORMAT must be one of plain, json"):
        log_format()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(log: Path, text: str, process: subprocess.Popen, *, timeout: float) -> None:
    """Until `text` is in the log; fails with the log if the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)


def json_lines(text: str) -> list[dict]:
    """Every log line parsed (a line that is not JSON fails the test)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def env_with_json_logs() -> dict:
    return {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "outcry.settings", "PYTHONUNBUFFERED": "1"}


@pytest.mark.django_db
def test_gunicorn_and_the_app_write_json_lines_without_addresses(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "outcry.wsgi"],
            cwd=ROOT,
            env=env_with_json_logs(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(log, "Booting worker", server, timeout=30)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: 198.51.100.7\r\nConnection: close\r\n\r\n")
            assert raw.recv(64).split()[1] == b"400"
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    text = log.read_text()
    entries = json_lines(text)
    assert [line for line in text.splitlines() if line.strip() and not line.startswith("{")] == []
    messages = " ".join(entry["message"] for entry in entries)
    assert "Listening at: http://[ip]:" in messages
    assert "Invalid HTTP_HOST header: '[ip]'" in messages
    assert "198.51.100.7" not in text


def test_a_celery_worker_writes_json_lines(tmp_path):
    log = tmp_path / "worker.log"
    queue = f"logformat-{os.getpid()}"  # a queue nobody sends to: the worker takes no real message
    argv = [sys.executable, "-m", "celery", "-A", "outcry", "worker", "--loglevel=INFO", "-P", "solo", "-Q", queue]
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [*argv, "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env_with_json_logs(),
            stdout=subprocess.DEVNULL,  # the start-up banner is printed, not logged
            stderr=out,
        )
    try:
        wait_for(log, "ready.", worker, timeout=60)
    finally:
        worker.kill()
        worker.wait(timeout=10)

    entries = json_lines(log.read_text())
    assert any(entry["message"].endswith("ready.") and entry["logger"] == "celery.apps.worker" for entry in entries)
    assert any(entry["message"].startswith("Connected to redis://") for entry in entries)
