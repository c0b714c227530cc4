"""The SMTP envelope: our backend puts on the wire (MAIL FROM, RCPT TO) the mailboxes Django's would,
parsing each mailbox once, and refuses what Django refuses."""

from smtplib import quoteaddr

import pytest
from django.core.mail.message import sanitize_address
from hypothesis import given
from hypothesis import strategies as st

from outcry.mail import envelope_address
from petitions.mail.outgoing import recipient, sender

ADDRESSES = ["office@pa.gov.az", "press@президент.рф", "o'brien@example.org", "a.b+c@mail.example"]
NAMES = ["", "Bob Builder", "Leyla Məmmədova", "Иван Петров", "فاطمة", 'Office "A", Baku', "Dr. Who (Ret.)"]


def on_the_wire(envelope: str) -> str:
    """What smtplib sends for an envelope address."""
    return quoteaddr(envelope)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_target_gets_the_envelope_django_would_give(name, address):
    header = recipient(name, address)

    assert on_the_wire(envelope_address(header, "utf-8")) == on_the_wire(sanitize_address(header, "utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_every_signers_letter_goes_from_the_sending_address(name, settings):
    settings.DEFAULT_FROM_EMAIL = "Outcry <letters@outcry.example.org>"

    assert on_the_wire(envelope_address(sender(name), "utf-8")) == "<letters@outcry.example.org>"


@pytest.mark.parametrize(
    "header", ["a@example.org, b@example.org", "Bob <a@example.org> extra", "Bob\r\n <a@example.org>"]
)
def test_text_that_is_not_one_mailbox_is_refused_as_django_refuses_it(header):
    with pytest.raises(ValueError, match="Invalid address") as django:
        sanitize_address(header, "utf-8")
    with pytest.raises(ValueError, match="Invalid address") as ours:
        envelope_address(header, "utf-8")
    assert str(ours.value) == str(django.value)


@given(name=st.text(max_size=40), local=st.from_regex(r"[a-z0-9._+-]{1,20}", fullmatch=True))
def test_any_display_name_leaves_the_envelope_as_django_writes_it(name, local):
    header = recipient(name, f"{local}@example.org")

    assert on_the_wire(envelope_address(header, "utf-8")) == on_the_wire(sanitize_address(header, "utf-8"))
