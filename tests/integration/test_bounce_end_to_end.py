"""A bounce as it happens in production: a signer signs through the web server, the real worker
sends the letter over SMTP with its own Return-Path, the receiving server (the test, playing the
target's mail system) answers later with a delivery status notification to that address, and the
real `manage.py receive_mail` process takes it. A delay changes nothing; a hard bounce takes the
letter out of the count and switches the target off."""

import smtplib
import sys

import pytest
from django.conf import settings

from campaigns.models import Target
from petitions.enums import DeliveryStatus
from petitions.mail.addresses import bounce_address
from petitions.models import Delivery, TrackingEvent
from tests.integration.processes import REPO_DIR, ServiceProcess, free_port, service_env, wait_until

pytestmark = pytest.mark.integration


class MailReceiver(ServiceProcess):
    def __init__(self, *, env, workdir, port: int) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = port
        argv = [sys.executable, str(REPO_DIR / "manage.py"), "receive_mail", "--host", "127.0.0.1", "--port", str(port)]
        super().__init__("receive_mail", argv, env=env, log_path=workdir / "receive_mail.log")

    def is_ready(self) -> bool:
        return "Receiving bounces and replies by SMTP" in self.log()


@pytest.fixture
def mail_receiver(test_database_url, _smtp, tmp_path, transactional_db):
    env = service_env(
        database_url=test_database_url,
        broker_url=settings.CELERY_BROKER_URL,
        smtp_port=_smtp.port,
        var_dir=tmp_path / "var",
    )
    receiver = MailReceiver(env=env, workdir=tmp_path, port=free_port())
    receiver.wait_ready()
    yield receiver
    receiver.stop()


def notification(letter_headers, *, recipient: str, action: str, status: str, diagnostic: str) -> bytes:
    """What a receiving Postfix sends back: a multipart/report with the letter's headers."""
    subject = "Delayed Mail (still being retried)" if action == "delayed" else "Undelivered Mail Returned to Sender"
    returned = "".join(f"{name}: {value}\n" for name, value in letter_headers.items())
    return (
        "From: MAILER-DAEMON@mx.ministry.example (Mail Delivery System)\n"
        f"Subject: {subject}\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\n\n'
        "--B1\nContent-Type: text/plain\n\nThis is the mail system at host mx.ministry.example.\n\n"
        "--B1\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.ministry.example\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n\n"
        f"--B1\nContent-Type: text/rfc822-headers\n\n{returned}\n--B1--\n"
    ).encode()


def send_to(receiver: MailReceiver, envelope_to: str, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", receiver.port, timeout=10) as client:
        client.sendmail("", [envelope_to], raw)


def test_a_delay_then_a_hard_bounce_of_a_letter_the_worker_sent(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server, mail_receiver
):
    target = letter_campaign.targets.get()
    web_server.sign(letter_campaign.slug, bob_form)
    letter = wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).first(),
        timeout=15,
        what="the letter to be recorded as sent",
    )
    [sent] = [m for m in smtp_server.wait_for_messages(1, then_quiet_for=1.0) if m.rcpt_tos == [target.email]]
    assert sent.mail_from == bounce_address(letter.pk)  # the envelope sender is the letter's own
    assert "bob.builder" not in sent.mail_from.lower()
    letter_headers = {name: sent.message[name] for name in ("From", "To", "Subject", "Message-ID", "Date")}

    send_to(
        mail_receiver,
        sent.mail_from,
        notification(
            letter_headers,
            recipient=target.email,
            action="delayed",
            status="4.4.1",
            diagnostic="451 4.4.1 mailbox server busy, will retry",
        ),
    )
    wait_until(
        lambda: TrackingEvent.objects.filter(delivery=letter).exists(), timeout=10, what="the delay to be recorded"
    )
    letter.refresh_from_db()
    assert letter.status == DeliveryStatus.SENT
    assert Target.objects.get(pk=target.pk).is_active

    send_to(
        mail_receiver,
        sent.mail_from,
        notification(
            letter_headers,
            recipient=target.email,
            action="failed",
            status="5.1.1",
            diagnostic="550 5.1.1 <minister@...>: Recipient address rejected: User unknown",
        ),
    )
    wait_until(
        lambda: Delivery.objects.get(pk=letter.pk).status == DeliveryStatus.BOUNCED,
        timeout=10,
        what="the hard bounce to take the letter out",
    )
    assert not Target.objects.get(pk=target.pk).is_active
    assert TrackingEvent.objects.filter(delivery=letter).count() == 2
    receiver_log = mail_receiver.log()
    assert "bob.builder" not in receiver_log.lower()
    assert target.email not in receiver_log
