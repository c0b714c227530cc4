"""The inbound receiver, spoken to over SMTP on loopback as a receiving mail server would.

A bounce sent to a letter's VERP address takes the letter out of the count and switches its target
off; a delay only leaves a trace; a reply is stored; anything not addressed to a letter is refused.
"""

import smtplib
import socket
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import Target
from petitions.enums import DeliveryStatus
from petitions.inbound.receiver import make_controller
from petitions.mail.addresses import bounce_address, reply_address
from petitions.models import Delivery, Response, TrackingEvent
from tests.factories import SignatureFactory, live_campaign

CORPUS = Path(__file__).parents[1] / "tracking" / "bounces"
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receiver():
    controller = make_controller(host="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def sent_letter(target_email: str) -> Delivery:
    campaign = live_campaign()
    target = campaign.targets.get()
    target.email = target_email
    target.save()
    return Delivery.objects.create(
        campaign=campaign,
        target=target,
        signature=SignatureFactory(campaign=campaign),
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        message_id="<letter.1.abc@outcry.example>",
        subject="Release them",
        body="Dear Minister,",
    )


def send(receiver, to: str, raw: bytes, sender: str = "") -> dict:
    crlf = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # as SMTP carries lines
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        return client.sendmail(sender, [to], crlf)


def test_a_hard_bounce_takes_the_letter_out_and_switches_the_target_off_once(receiver):
    letter = sent_letter("minister@ministry.example")
    raw = (CORPUS / "postfix_hard.eml").read_bytes()

    send(receiver, bounce_address(letter.pk), raw)
    send(receiver, bounce_address(letter.pk), raw)  # the same bounce, delivered twice

    letter.refresh_from_db()
    target = Target.objects.get(pk=letter.target_id)
    assert letter.status == DeliveryStatus.BOUNCED
    assert "5.1.1" in letter.last_error
    assert (target.is_active, target.bounced_at is not None) == (False, True)
    assert TrackingEvent.objects.filter(delivery=letter).count() == 1


def test_a_delay_is_recorded_and_changes_nothing(receiver):
    letter = sent_letter("office@parliament.example")

    send(receiver, bounce_address(letter.pk), (CORPUS / "postfix_delayed.eml").read_bytes())

    letter.refresh_from_db()
    assert letter.status == DeliveryStatus.SENT
    assert Target.objects.get(pk=letter.target_id).is_active
    [event] = TrackingEvent.objects.filter(delivery=letter)
    assert event.event_type == "deferred"


def test_a_reply_to_the_letter_is_stored(receiver):
    letter = sent_letter("minister@ministry.example")
    reply = (
        b"From: Minister <minister@ministry.example>\r\nTo: " + reply_address(letter.pk).encode() + b"\r\n"
        b"Subject: Re: Release them\r\nMessage-ID: <answer.1@ministry.example>\r\n\r\n"
        b"Your letter has been received and passed to the department.\r\n"
    )

    send(receiver, reply_address(letter.pk), reply, sender="minister@ministry.example")

    [response] = Response.objects.filter(delivery=letter)
    assert "passed to the department" in response.text
    assert response.from_target


@pytest.mark.parametrize(
    "address",
    [
        lambda letter: bounce_address(letter.pk).replace(f"+{letter.pk}-", f"+{letter.pk + 1}-"),
        lambda letter: "letters@outcry.example",
        lambda letter: "someone@elsewhere.example",
    ],
    ids=["forged tag", "not a letter's address", "another domain (relaying)"],
)
def test_any_other_recipient_is_refused(receiver, address):
    letter = sent_letter("minister@ministry.example")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(receiver, address(letter), (CORPUS / "postfix_hard.eml").read_bytes())
    [(code, _)] = refused.value.recipients.values()
    assert code == 550
    letter.refresh_from_db()
    assert letter.status == DeliveryStatus.SENT
