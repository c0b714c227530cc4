"""No email or IP address in anything a real worker or the image's gunicorn writes, through the
failures that used to put them there: a signer's receipt and letter copy refused (550), another
signer's receipt deferred (451) and retried, a letter that fails for good, one deferred and
retried, a task that raises with an address in its message (Celery logs its traceback), and
requests gunicorn and Django log (a malformed request line, a forged Host, a POST without its CSRF
cookie, a 404).

The SMTP server answers as Postfix does, quoting the refused address in its reply. The services are
named by host name (localhost), as docker-compose names them, and the signer comes through a
trusted proxy from SIGNER_IP: so every IP literal a process could write is one it learned from a
client or its own listening address, and the scan allows none at all.
"""

import ipaddress
import re
import socket
import uuid
from pathlib import Path

import pytest
import requests
from kombu import Connection

from campaigns.models import Campaign
from outcry.celery import app as celery_app
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from tests.factories import TargetFactory, live_campaign
from tests.integration.browser import _PostFormHiddenFields
from tests.integration.processes import VENV_BIN, ImageGunicorn, ServiceProcess, stop_all, wait_until

pytestmark = pytest.mark.integration

SIGNER_EMAIL = "bounce.marker2@signer-mail.example"
SIGNER_IP = "198.51.100.23"
WAITING_SIGNER_EMAIL = "mailbox.busy@signer-mail.example"
WAITING_SIGNER_IP = "203.0.113.77"
REFUSING_TARGET = "refuses.letters@ministry.example.org"
GREYLISTING_TARGET = "greylists@ministry.example.org"
# Found however they are spelt, in case an address is ever cut in two or scrubbed by halves.
KNOWN_SECRETS = [SIGNER_IP, WAITING_SIGNER_IP, "bounce.marker2", "mailbox.busy", "refuses.letters", "greylists@"]

# Broad on purpose and written out here, not imported from the scrubber: the scan must not share
# the blind spots of the code it checks.
EMAIL_SHAPED = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
IPV4_SHAPED = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?")


def postfix_refusal(address: str) -> str:
    return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"


def addresses_in(text: str) -> list[str]:
    """Every email or IP address in `text`, and every known secret however it is spelt."""
    found = EMAIL_SHAPED.findall(text) + IPV4_SHAPED.findall(text)
    for candidate in IPV6_CANDIDATE.findall(text):
        try:
            ipaddress.IPv6Address(candidate.partition("%")[0])
        except ValueError:
            continue
        found.append(candidate)
    lowered = text.lower()
    return found + [secret for secret in KNOWN_SECRETS if secret in lowered]


class Worker(ServiceProcess):
    """A worker with beat, named without a dot so that its name is not shaped like an address."""

    def __init__(self, *, env: dict[str, str], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        argv = [str(VENV_BIN / "celery"), "-A", "outcry", "worker", "--loglevel=INFO", "--concurrency=2"]
        argv += ["--without-gossip", "--without-mingle", "-B", "--schedule", str(workdir / "beat-schedule")]
        argv += ["--hostname", f"privacy-{uuid.uuid4().hex[:8]}@localhost"]
        self.broker_url = env["REDIS_URL"]
        super().__init__("celery worker", argv, env=env, log_path=workdir / "worker.log")

    def is_ready(self) -> bool:
        log = self.log()
        return " ready." in log and "beat: Starting" in log


@pytest.fixture
def stack(private_redis_env: dict[str, str], tmp_path: Path):
    """A worker and the image's gunicorn on the test's Redis, every service named by host name."""
    env = {
        name: value.replace("@127.0.0.1:", "@localhost:").replace("//127.0.0.1:", "//localhost:")
        for name, value in private_redis_env.items()
    }
    env["TRUSTED_PROXIES"] = "127.0.0.1"
    worker = Worker(env=env, workdir=tmp_path / "worker")
    web = ImageGunicorn(env=env, workdir=tmp_path / "web")
    try:
        worker.wait_ready()
        web.wait_ready()
        yield worker, web
    finally:
        stop_all([web, worker])


def failing_campaign() -> Campaign:
    """Two targets: one whose server refuses the letter, one that greylists it once."""
    campaign = live_campaign(goal=100, offer_signer_copy=True)
    campaign.targets.update(email=REFUSING_TARGET)
    TargetFactory(campaign=campaign, email=GREYLISTING_TARGET, name="Ministry of Labour")
    return campaign


def sign_through_proxy(base_url: str, slug: str, form: dict[str, str], *, ip: str) -> requests.Response:
    """Sign as a browser behind a proxy that reports the signer's address."""
    page_url = f"{base_url}/c/{slug}/"
    with requests.Session() as session:
        session.headers["X-Forwarded-For"] = ip
        page = session.get(page_url, timeout=20)
        parser = _PostFormHiddenFields()
        parser.feed(page.text)
        headers = {"Referer": page_url, "Origin": base_url}
        return session.post(page_url, data=parser.fields | form, headers=headers, timeout=20)


def requests_that_get_logged(web: ImageGunicorn, slug: str) -> list[int]:
    """A 404 naming an address, a POST from another site, a forged Host, a broken request line."""
    forwarded = {"X-Forwarded-For": SIGNER_IP}
    statuses = [
        requests.get(f"{web.url}/c/{SIGNER_EMAIL}/", headers=forwarded, timeout=10).status_code,
        requests.post(
            f"{web.url}/c/{slug}/",
            data={"email": SIGNER_EMAIL},
            headers=forwarded | {"Origin": "https://elsewhere.example"},
            timeout=10,
        ).status_code,
        requests.get(f"{web.url}/", headers=forwarded | {"Host": SIGNER_IP}, timeout=10).status_code,
    ]
    with socket.create_connection(("localhost", web.port), timeout=10) as raw:
        raw.sendall(f"GET /c/{SIGNER_EMAIL}/ HTTP/1.1 trailing\r\nHost: localhost\r\n\r\n".encode())
        statuses.append(int(raw.recv(1024).split()[1]))
    return statuses


def queue_task_with_an_address_for_an_id(broker_url: str) -> None:
    """A message no code of ours sends: the task fails in the ORM, whose message quotes the value."""
    with Connection(broker_url) as connection:
        celery_app.send_task("petitions.send_receipt", args=[SIGNER_EMAIL], connection=connection)


def test_failures_in_worker_and_gunicorn_leave_no_address_in_any_log(stack, smtp_server, bob_form):
    worker, web = stack
    campaign = failing_campaign()
    smtp_server.refuse_recipient(SIGNER_EMAIL, postfix_refusal(SIGNER_EMAIL))
    smtp_server.refuse_recipient(REFUSING_TARGET, postfix_refusal(REFUSING_TARGET))
    smtp_server.defer_next(1, f"451 4.7.1 <{GREYLISTING_TARGET}>: Recipient address rejected: Greylisted")
    form = bob_form | {"email": SIGNER_EMAIL, "wants_receipt": "on", "wants_copy": "on"}

    signed = sign_through_proxy(web.url, campaign.slug, form, ip=SIGNER_IP)
    statuses = requests_that_get_logged(web, campaign.slug)
    signature = wait_until(lambda: Signature.objects.filter(campaign=campaign).first(), timeout=10, what="a signature")
    wait_until(
        lambda: (
            [refusal.address for refusal in smtp_server.refused].count(SIGNER_EMAIL) >= 2
            and Delivery.objects.filter(signature=signature, status=DeliveryStatus.SENT).exists()
        ),
        timeout=30,
        what="the receipt and the letter copy refused, the deferred letter sent",
    )
    smtp_server.refuse_recipient(WAITING_SIGNER_EMAIL, f"451 4.2.1 <{WAITING_SIGNER_EMAIL}>: Mailbox busy, try again")
    waiting_form = form | {"email": WAITING_SIGNER_EMAIL, "last_name": "Busy", "wants_copy": ""}
    signed_too = sign_through_proxy(web.url, campaign.slug, waiting_form, ip=WAITING_SIGNER_IP)
    queue_task_with_an_address_for_an_id(worker.broker_url)
    wait_until(
        lambda: (
            "send_receipt" in worker.log()
            and " retry: Retry in " in worker.log()
            and " raised unexpected: ValueError" in worker.log()
        ),
        timeout=30,
        what="the worker to retry the deferred receipt and to fail the broken task",
    )
    # A warm shutdown lets the tasks in flight finish, and log; the shutdown lines count too.
    stop_all([web, worker])
    refused = Delivery.objects.get(signature=signature, target__email=REFUSING_TARGET)
    greylisted = Delivery.objects.get(signature=signature, target__email=GREYLISTING_TARGET)
    logs = {"worker": worker.log(), "gunicorn": web.log()}
    lines = sum(len(log.splitlines()) for log in logs.values())

    assert (signed.status_code, signed_too.status_code, statuses) == (200, 200, [404, 403, 400, 400])
    assert (refused.status, greylisted.status, greylisted.attempts) == (DeliveryStatus.FAILED, DeliveryStatus.SENT, 2)
    assert {name: addresses_in(log) for name, log in logs.items()} == {"worker": [], "gunicorn": []}, f"{lines} lines"
    assert [refusal.address for refusal in smtp_server.refused].count(SIGNER_EMAIL) == 2, "a 550 is not retried"
    for line in [
        f"Letter {refused.pk} to target {refused.target_id} failed for good after 1 attempt(s): Recipient refused: 550",
        f"Letter {greylisted.pk} to target {greylisted.target_id} will be retried at ",
        f"Email to the signer of signature {signature.pk} refused for good: Recipient refused: 550 5.1.1 <[email]>",
        f"Email to the signer of letter {greylisted.pk} refused for good: Recipient refused: 550 5.1.1 <[email]>",
        "MailNotSent('Email to the signer of signature ",
        "not sent: Recipient refused: 451 4.2.1 <[email]>: Mailbox busy, try again')",
        "ValueError: Field 'id' expected a number but got '[email]'.",
    ]:
        assert line in logs["worker"]
    for line in [
        "Listening at: http://[ip]:",
        "Invalid request from ip=[ip]: Invalid HTTP Version",
        f"Forbidden (signing form posted from another site): /c/{campaign.slug}/",
        "Invalid HTTP_HOST header: '[ip]",
    ]:
        assert line in logs["gunicorn"]
