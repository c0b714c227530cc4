"""The links that open a letter ready to send in the signer's own mail: what each mail app reads
back from them, in scripts other than Latin, and how a letter too long for a link is cut."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from petitions.mail.own_mailbox import (
    CUT_MARK,
    GMAIL_MAX_LENGTH,
    MAILTO_MAX_LENGTH,
    SHORT_COMPOSE_MAX_LENGTH,
    compose_links,
)

pytestmark = pytest.mark.unit

ADDRESSES = ["office@president.example.az", "press+letters@gov.example.az"]
LETTERS = {
    "ar": ("أطلقوا سراح النقابيين", "السيد الرئيس،\n\nنطالب بالإفراج عن النقابيين الأربعة & فوراً.\n\nمع التحية،"),
    "az": ("Həmkarları azad edin", "Hörmətli cənab,\n\nDörd həmkarı azad edin: şərt yox!\n\nHörmətlə,"),
    "ru": ("Освободите профсоюзных активистов", "Уважаемый господин,\n\nОсвободите четверых = сейчас?\n\nС уважением,"),
}


def read_mailto(link: str) -> tuple[list[str], str, str]:
    """What a mail app takes from a mailto: link (RFC 6068): recipients, subject, body."""
    assert link.startswith("mailto:")
    to, _, query = link[len("mailto:") :].partition("?")
    fields = parse_qs(query, keep_blank_values=True)
    return [unquote(address) for address in to.split(",")], fields["subject"][0], fields["body"][0]


def read_web(link: str, subject_field: str) -> tuple[str, list[str], str, str]:
    parts = urlsplit(link)
    fields = parse_qs(parts.query, keep_blank_values=True)
    return parts.netloc, re.split("[,;]", fields["to"][0]), fields[subject_field][0], fields["body"][0]


@pytest.mark.parametrize("language", LETTERS)
def test_every_link_carries_recipients_subject_and_body_exactly(language):
    subject, body = LETTERS[language]

    links = compose_links(ADDRESSES, subject, body)

    assert read_mailto(links.mailto) == (ADDRESSES, subject, body.replace("\n", "\r\n"))
    assert read_web(links.gmail, "su") == ("mail.google.com", ADDRESSES, subject, body)
    assert read_web(links.outlook, "subject") == ("outlook.live.com", ADDRESSES, subject, body)
    assert read_web(links.yahoo, "subject") == ("compose.mail.yahoo.com", ADDRESSES, subject, body)
    assert not links.shortened


def test_gmail_opens_its_full_compose_window():
    link = compose_links(ADDRESSES, "S", "B").gmail

    assert link.startswith("https://mail.google.com/mail/?view=cm&fs=1&to=")


@pytest.mark.parametrize("language", LETTERS)
def test_nothing_reserved_or_non_ascii_is_left_unencoded(language):
    subject, body = LETTERS[language]

    links = compose_links(ADDRESSES, subject, body)

    for link in (links.mailto, links.gmail, links.outlook, links.yahoo):
        query = link.partition("?")[2]
        assert link.isascii()
        assert " " not in link
        assert "\n" not in link
        assert "+" not in query
        assert "&" not in subject + body or "%26" in query  # the body's "&" is not a new field


def test_mailto_line_breaks_are_crlf_as_mail_apps_expect():
    assert "%0D%0A" in compose_links(ADDRESSES, "S", "one\ntwo").mailto


def test_a_long_arabic_letter_is_cut_at_a_word_to_fit_a_phones_mail_app():
    subject, paragraph = LETTERS["ar"]
    body = "\n\n".join([paragraph] * 40)  # ~3,000 letters: about 30,000 characters encoded

    links = compose_links(ADDRESSES, subject, body)

    assert links.shortened
    assert MAILTO_MAX_LENGTH - 100 < len(links.mailto) <= MAILTO_MAX_LENGTH
    _to, _subject, cut = read_mailto(links.mailto)
    assert cut.endswith(CUT_MARK.replace("\n", "\r\n"))
    kept = cut.removesuffix(CUT_MARK.replace("\n", "\r\n")).replace("\r\n", "\n")
    assert body.startswith(kept)
    assert body[len(kept)] in " \n"  # cut between words, not inside one
    assert len(links.gmail) <= GMAIL_MAX_LENGTH
    assert len(links.outlook) <= SHORT_COMPOSE_MAX_LENGTH
    assert len(links.yahoo) <= SHORT_COMPOSE_MAX_LENGTH


def test_a_letter_too_long_for_a_phone_but_not_for_gmail_is_cut_only_where_it_must_be():
    body = "Release them. " * 200  # 2,800 characters, about 3,600 encoded

    links = compose_links(ADDRESSES, "Release them", body)

    assert links.shortened
    assert read_mailto(links.mailto)[2].endswith(CUT_MARK.replace("\n", "\r\n"))
    assert read_web(links.outlook, "subject")[3].endswith(CUT_MARK)
    assert read_web(links.yahoo, "subject")[3].endswith(CUT_MARK)
    assert read_web(links.gmail, "su")[3] == body


def test_outlook_gets_its_own_separator_between_recipients():
    assert "to=office%40president.example.az%3Bpress" in compose_links(ADDRESSES, "S", "B").outlook


def test_a_short_letter_is_not_marked_shortened():
    links = compose_links(["a@example.org"], "Hello", "Short letter.")

    assert not links.shortened
    assert CUT_MARK.strip() not in unquote(links.mailto)
