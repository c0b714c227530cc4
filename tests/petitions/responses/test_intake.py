"""A reply to a letter: parsed whatever its MIME, stored once, encrypted, and marked for what it is."""

from email.message import EmailMessage

import pytest
from django.conf import settings
from django.db import connection

from petitions.models import Response
from petitions.responses.forwarding import forward_response
from petitions.responses.intake import receive_reply
from petitions.responses.parsing import html_to_text, parse_reply, without_quotes
from tests.factories import SignatureFactory, live_campaign, queue_letters

QUOTED = "We have received your letter.\n\nOn Monday Bob Signer1 wrote:\n> Release the four trade unionists.\n> Bob"


SUBJECT = "Re: Release the jailed trade unionists"


def mail(*, sender, text=QUOTED, subject=SUBJECT, message_id="<a1@gov.example>", **headers):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "reply+1-abc@example.org"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


@pytest.fixture
def letter(db):
    campaign = live_campaign()
    signature = SignatureFactory(campaign=campaign, email="bob@example.net")
    queue_letters(signature=signature)
    return signature.deliveries.select_related("target").get()


def test_a_reply_from_the_target_is_stored_with_its_text(letter):
    raw = mail(sender=f"Office <{letter.target.email}>").as_bytes()

    assert receive_reply(letter.pk, raw) == "stored"

    response = Response.objects.get()
    assert (response.delivery, response.campaign, response.target) == (letter, letter.campaign, letter.target)
    assert response.text == QUOTED
    assert response.subject == "Re: Release the jailed trade unionists"
    assert response.sender == letter.target.email
    assert response.size == len(raw)
    assert response.from_target
    assert not response.automatic
    assert not response.is_published


def test_the_text_subject_and_sender_are_not_readable_in_the_database(letter):
    receive_reply(letter.pk, mail(sender=letter.target.email).as_bytes())

    with connection.cursor() as cursor:
        cursor.execute("SELECT sender, subject, text FROM petitions_response")
        row = cursor.fetchone()
    assert all(value.startswith("enc:") for value in row)
    assert not any("Release" in value or "president" in value or "Bob" in value for value in row)


def test_a_message_delivered_twice_is_stored_once(letter):
    raw = mail(sender=letter.target.email).as_bytes()

    assert receive_reply(letter.pk, raw) == "stored"
    assert receive_reply(letter.pk, raw) == "duplicate"
    without_id = mail(sender=letter.target.email, message_id=None).as_bytes()
    assert receive_reply(letter.pk, without_id) == "stored"
    assert receive_reply(letter.pk, without_id) == "duplicate"
    assert Response.objects.count() == 2


def test_a_colleague_at_the_targets_domain_is_from_the_target_and_a_stranger_is_not(letter):
    domain = letter.target.email.rpartition("@")[2]
    receive_reply(letter.pk, mail(sender=f"deputy@{domain}", message_id="<1@x>").as_bytes())
    receive_reply(letter.pk, mail(sender=f"someone@not-{domain}", message_id="<2@x>").as_bytes())

    assert dict(Response.objects.values_list("sender", "from_target").iterator()) == {
        f"deputy@{domain}": True,
        f"someone@not-{domain}": False,
    }


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"subject": "Out of office: back on Monday"},
        {"subject": "Automatic reply: Release the jailed trade unionists"},
    ],
)
def test_an_auto_reply_is_stored_and_marked_automatic(letter, headers):
    assert receive_reply(letter.pk, mail(sender=letter.target.email, **headers).as_bytes()) == "stored automatic"
    assert Response.objects.get().automatic


def test_a_reply_to_no_known_letter_or_too_large_is_not_stored(letter):
    assert receive_reply(letter.pk + 1000, mail(sender=letter.target.email).as_bytes()) == "dropped: no such letter"
    huge = mail(sender=letter.target.email, text="x" * (settings.INBOUND_MAIL_MAX_BYTES + 1)).as_bytes()
    assert receive_reply(letter.pk, huge) == "refused: too large"
    assert not Response.objects.exists()


def test_plain_text_is_preferred_over_html():
    message = mail(sender="a@gov.example", text="The plain words.")
    message.add_alternative("<p>The <b>HTML</b> words.</p>", subtype="html")

    assert parse_reply(message.as_bytes()).text == "The plain words."


def test_html_alone_becomes_text_without_its_scripts_or_styles():
    message = EmailMessage()
    message["From"] = "a@gov.example"
    message.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>We&nbsp;answer &amp; act.</p>"
        "<script>alert(1)</script><div>Second line</div></body></html>",
        subtype="html",
    )

    assert parse_reply(message.as_bytes()).text == "We\xa0answer & act.\n\nSecond line"
    assert "alert" not in html_to_text("<script>alert(1)</script>")


def test_a_charset_is_decoded_and_a_lying_one_does_not_break_the_parse():
    koi8 = (
        b"From: a@gov.example\r\nSubject: =?koi8-r?b?79TXxdQ=?=\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Ваше письмо получено.".encode("koi8-r")
    )
    assert parse_reply(koi8).text == "Ваше письмо получено."
    assert parse_reply(koi8).subject == "Ответ"

    lying = b"From: a@gov.example\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nPlain words \xff."
    assert parse_reply(lying).text.startswith("Plain words")


def test_quoted_lines_are_removed_for_the_public_draft():
    assert without_quotes(QUOTED) == "We have received your letter."


def test_a_reply_is_forwarded_only_to_a_signer_who_asked_and_only_once(letter, mailoutbox):
    receive_reply(letter.pk, mail(sender=letter.target.email, message_id="<1@x>").as_bytes())
    first = Response.objects.get()
    assert forward_response(first.pk) == 0  # bob did not ask
    assert mailoutbox == []

    letter.signature.forward_replies = True
    letter.signature.save()
    receive_reply(letter.pk, mail(sender=letter.target.email, message_id="<2@x>", text="An answer.").as_bytes())
    second = Response.objects.exclude(pk=first.pk).get()

    assert forward_response(second.pk) == 1
    assert forward_response(second.pk) == 0
    assert [message.to for message in mailoutbox] == [["bob@example.net"]]
    assert "An answer." in mailoutbox[0].body
    assert letter.target.email not in mailoutbox[0].from_email
