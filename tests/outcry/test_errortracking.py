"""Error reports to a Sentry-protocol server on loopback: sent when SENTRY_DSN is set, from the
settings themselves, with no signer's address, IP, private link or local variable in them."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import RequestFactory

from outcry import errortracking

SIGNER = "aysel.quliyeva@example.net"
SIGNER_IP = "203.0.113.77"
TOKEN = "AbCdEf0123456789-private-link-token"


class Receiver(ThreadingHTTPServer):
    """Takes envelopes as a Sentry server would and keeps their raw text."""

    def __init__(self):
        self.envelopes: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server_address[1]}/1"

    def events(self) -> list[dict]:
        found = []
        for envelope in self.envelopes:
            for line in envelope.splitlines():
                if (
                    line.startswith("{")
                    and '"event_id"' in line
                    and ('"exception"' in line or '"message"' in line or '"logentry"' in line)
                ):
                    found.append(json.loads(line))
        return found


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(receiver):
    errortracking.configure(dsn=receiver.dsn, environment="test", release="", traces_sample_rate=0.0)
    yield receiver
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the suite


@pytest.mark.urls("tests.outcry.raising_urls")
def test_a_failing_request_is_reported_without_anything_that_names_the_signer(reporting, transactional_db):
    """The 500 page lists live campaigns, so the database is there, as in production."""
    from outcry.wsgi import application  # as gunicorn calls it: Sentry wraps Django's WSGI handler

    environ = (
        RequestFactory()
        .get(
            f"/r/{TOKEN}/",
            {"email": SIGNER},
            REMOTE_ADDR=SIGNER_IP,
            HTTP_COOKIE=f"sessionid={TOKEN}",
            HTTP_USER_AGENT="Phone",
            HTTP_ACCEPT_LANGUAGE="az",
            HTTP_X_FORWARDED_FOR=SIGNER_IP,
        )
        .environ
    )
    statuses = []
    result = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(result)
    result.close()
    sentry_sdk.flush(timeout=5)

    assert statuses == ["500 Internal Server Error"]
    [event] = reporting.events()
    raw = "".join(reporting.envelopes)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "could not mail [email] from [ip]"
    assert event["request"] == {"method": "GET", "url": "/r/{token}/", "headers": {"Accept-Language": "az"}}
    for secret in (SIGNER, SIGNER_IP, TOKEN, "Phone"):
        assert secret not in raw
    assert "user" not in event
    assert all("vars" not in frame for value in event["exception"]["values"] for frame in value["stacktrace"]["frames"])


def test_the_settings_turn_reporting_on_with_a_dsn_and_logged_errors_arrive_scrubbed(receiver):
    script = (
        "import logging, django; django.setup(); import sentry_sdk; "
        "print(sentry_sdk.get_client().is_active(), flush=True); "
        f"logging.getLogger('petitions.mail').error('550 for {SIGNER} at {SIGNER_IP}'); "
        "sentry_sdk.flush(timeout=5)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "outcry.settings"}

    off = subprocess.run([sys.executable, "-c", script], env=env | {"SENTRY_DSN": ""}, capture_output=True, text=True)
    on = subprocess.run(
        [sys.executable, "-c", script], env=env | {"SENTRY_DSN": receiver.dsn}, capture_output=True, text=True
    )

    assert (off.returncode, on.returncode) == (0, 0), on.stderr
    assert (off.stdout.split()[0], on.stdout.split()[0]) == ("False", "True")
    [event] = receiver.events()
    assert event["logentry"]["message"] == "550 for [email] at [ip]"
    assert SIGNER not in "".join(receiver.envelopes)
