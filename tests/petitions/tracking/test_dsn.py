"""Bounce messages of the common servers, each read as what it says about the letter."""

from pathlib import Path

import pytest

from petitions.tracking import dsn

CORPUS = Path(__file__).parent / "bounces"

EXPECTED = {
    "postfix_hard.eml": (dsn.HARD, "minister@ministry.example", "5.1.1", "<letter-41@outcry.example>"),
    "postfix_delayed.eml": (dsn.DELAYED, "office@parliament.example", "4.4.1", "<letter-42@outcry.example>"),
    "qmail.eml": (dsn.HARD, "mayor@council.example", "5.1.1", "<letter-43@outcry.example>"),
    "exim.eml": (dsn.HARD, "ambassador@embassy.example", "5.0.0", "<letter-44@outcry.example>"),
    "gmail_full.eml": (dsn.SOFT, "deputy@gmail.example", "4.2.2", ""),
    "exchange.eml": (dsn.HARD, "director@agency.example", "5.1.10", "<letter-47@outcry.example>"),
    "sendmail.eml": (dsn.SOFT, "clerk@gov.example", "4.2.2", "<letter-48@outcry.example>"),
    "plain_550.eml": (dsn.HARD, "office@small.example", "5.0.0", ""),
    "gmail_not_found.eml": (dsn.HARD, "senator.office@gmail.example", "5.1.1", ""),
    "out_of_office.eml": (dsn.NOT_BOUNCE, "", "", ""),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bounce_in_the_corpus_is_read_as_expected(name):
    kind, recipient, status, message_id = EXPECTED[name]
    [bounce] = dsn.parse((CORPUS / name).read_bytes())
    assert (bounce.kind, bounce.recipient, bounce.status, bounce.message_id) == (kind, recipient, status, message_id)


def test_a_delay_is_not_a_bounce():
    [bounce] = dsn.parse((CORPUS / "postfix_delayed.eml").read_bytes())
    assert not bounce.is_bounce


@pytest.mark.django_db
def test_the_letter_is_named_by_its_bounce_address_and_a_forged_one_names_none():
    from petitions.mail.addresses import bounce_address, reply_address

    bounce = dsn.Bounce(kind=dsn.HARD)
    assert dsn.letter_of_bounce(bounce_address(41), bounce) == 41
    assert dsn.letter_of_bounce(bounce_address(41).replace("+41-", "+42-"), bounce) is None
    assert dsn.letter_of_bounce(reply_address(41), bounce) is None
