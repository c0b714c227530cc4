"""Writing a message out: the quick header writer and the preset boundary give exactly the bytes the
standard library would, for every kind of email, in every script, and for any header value."""

import email
import email.policy
from email.generator import BytesGenerator
from email.message import Message
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from petitions.mail.outgoing import OutgoingEmail, QuickHeaderGenerator
from tests.factories import SignatureFactory
from tests.petitions.mail.test_mail_headers import every_email

NAMES = [("Bob", "Builder"), ("Иван", "Петров"), ("Leyla", "Məmmədova"), ("فاطمة", "الزهراء"), ("Jean-Luc", "O'Brien")]


def standard_bytes(message) -> bytes:
    """What Django's own as_bytes writes (the standard generator), for the same message object."""
    return type(message).as_bytes(message, linesep="\r\n")


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "last"), NAMES)
def test_every_email_is_written_as_the_standard_library_writes_it(campaign, first, last):
    signature = SignatureFactory(campaign=campaign, first_name=first, last_name=last)

    for kind, built in every_email(signature).items():
        message = built.message()
        written = message.as_bytes(linesep="\r\n")

        assert written == standard_bytes(message), kind
        parsed = email.message_from_bytes(written, policy=email.policy.default)
        assert parsed["Message-ID"], kind


def test_a_letter_with_a_long_subject_in_cyrillic_decodes_to_what_was_given():
    subject = "Освободите заключённых членов профсоюза «Рабочий стол» немедленно и без условий " * 2
    built = OutgoingEmail(subject=subject.strip(), body="Текст", from_email="a@example.org", to=["b@example.org"])
    built.attach_alternative("<p>Текст</p>", "text/html")
    message = built.message()

    written = message.as_bytes(linesep="\r\n")

    assert written == standard_bytes(message)
    assert email.message_from_bytes(written, policy=email.policy.default)["Subject"] == subject.strip()


def test_each_multipart_message_has_its_own_boundary_absent_from_its_text():
    def letter():
        built = OutgoingEmail(subject="Release them", body="Free the four.", to=["b@example.org"])
        built.attach_alternative("<p>Free the four.</p>", "text/html")
        return built.message()

    first, second = letter(), letter()

    assert first.get_boundary() != second.get_boundary()
    assert first.as_bytes().count(first.get_boundary().encode()) == 4  # the header, two parts, the end


header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from(["\t", "é", "ə", "Ж"]),
    max_size=120,
)


@settings(max_examples=2000, deadline=None)
@given(
    name=st.sampled_from(["Subject", "To", "X-Mailer", "Content-Type", "List-Unsubscribe-Post"]), value=header_values
)
def test_the_quick_writer_folds_any_header_as_the_standard_one(name, value):
    message = Message()
    message[name] = value
    message.set_payload("body")

    quick, standard = BytesIO(), BytesIO()
    QuickHeaderGenerator(quick, mangle_from_=False).flatten(message, linesep="\r\n")
    BytesGenerator(standard, mangle_from_=False).flatten(message, linesep="\r\n")

    assert quick.getvalue() == standard.getvalue()
