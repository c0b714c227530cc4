"""Names in From and To headers: a signer's or organiser's name can never read as another address.

Every message is built by the real builders and parsed back from its bytes, as a mail client would.
"""

import email
import email.policy
import email.utils
import unicodedata

import pytest
from django.utils import timezone

from petitions.core.text import header_display_name
from petitions.mail import letters, signer_mail
from petitions.mail.addresses import letter_of
from petitions.mail.organiser_mail import build_bounce_alert, build_notice
from petitions.models import Delivery
from tests.factories import SignatureFactory

SENDING_ADDRESS = "letters@petitions.example.net"

SPOOFS = {
    "quoted address": 'president@gov.example" <minister@gov.example>',
    "angle address": "Minister <minister@gov.example>",
    "bare address": "minister@gov.example",
    "full-width at": "minister＠gov.example",
    "encoded word": "=?utf-8?b?bWluaXN0ZXJAZ292LmV4YW1wbGU=?=",
    "encoded word, q": "=?utf-8?q?minister=40gov.example?= Office",
    "right-to-left override": "Jane \u202eelpmaxe.vog@retsinim",
    "zero-width joiner": "Jane\u200dDoe",
    "zero-width space": "Jane\u200b Doe",
    "byte order mark": "\ufeffJane Doe",
    "newline": "Jane\nBcc: victim@mallory.example",
    "line separator": "Jane\u2028Doe",
    "comma and angle": "Doe, Jane <jane@union.example>",
}

READABLE = {
    "Azerbaijani": ("Nigar", "Əliyeva"),
    "Arabic": ("محمد", "علي"),
    "Russian": ("Иван", "Петров"),
    "Turkish": ("İsmail", "Yılmaz"),
}


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def assert_safe_from(message) -> str:
    """The one From address is the sending address; its name holds no @ and no invisible character."""
    received = parsed(message)
    raw = received.get_all("From")
    assert len(raw) == 1
    assert len(email.utils.getaddresses(raw)) == 1
    [address] = received["From"].addresses
    assert address.addr_spec == SENDING_ADDRESS
    name = address.display_name
    assert not set('@<>"') & set(name)
    assert not [char for char in name if unicodedata.category(char).startswith("C")]
    assert "=?" not in name
    # A stored letter's only other address is its own reply address, never anyone's mailbox.
    assert received.get("Reply-To") is None or letter_of(str(received["Reply-To"])) is not None
    assert received.get("Sender") is None
    return name


def letter_from(signature) -> Delivery:
    delivery = Delivery(campaign=signature.campaign, target=signature.campaign.targets.get(), signature=signature)
    delivery.subject, delivery.body = letters.render_letter(delivery)
    delivery.sent_at = timezone.now()
    delivery.save()
    return delivery


@pytest.fixture(autouse=True)
def _sending_address(settings):
    settings.DEFAULT_FROM_EMAIL = f"Outcry Letters <{SENDING_ADDRESS}>"
    settings.SITE_NAME = "Outcry"


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPOOFS.values(), ids=SPOOFS.keys())
def test_a_signers_name_never_reads_as_another_address_in_the_letter(campaign, name):
    signature = SignatureFactory(campaign=campaign, first_name=name, last_name="")

    display = assert_safe_from(letters.build_letter(letter_from(signature)))

    assert display.endswith(" via Outcry") or display == "Outcry"
    assert "gov.example" not in display
    assert "mallory" not in display


@pytest.mark.django_db
def test_a_name_of_nothing_but_an_address_falls_back_to_the_site(campaign):
    signature = SignatureFactory(campaign=campaign, first_name=SPOOFS["quoted address"], last_name="")

    assert assert_safe_from(letters.build_letter(letter_from(signature))) == "Outcry"


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "last"), READABLE.values(), ids=READABLE.keys())
def test_names_in_every_script_stay_whole_in_the_header_and_the_body(campaign, first, last):
    signature = SignatureFactory(campaign=campaign, first_name=first, last_name=last)
    delivery = letter_from(signature)

    display = assert_safe_from(letters.build_letter(delivery))

    assert display == f"{first} {last} via Outcry"
    assert f"{first} {last}" in delivery.body


@pytest.mark.django_db
def test_the_letter_body_keeps_the_name_readable(campaign):
    signature = SignatureFactory(campaign=campaign, first_name="Jane", last_name="Doe (Leeds branch)")

    delivery = letter_from(signature)

    assert "Jane Doe (Leeds branch)" in delivery.body
    assert assert_safe_from(letters.build_letter(delivery)) == "Jane Doe (Leeds branch) via Outcry"


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPOOFS.values(), ids=SPOOFS.keys())
def test_an_organisation_name_never_reads_as_another_address_in_a_digest(campaign, name):
    campaign.organisation.name = name
    campaign.organisation.save()
    digest = Delivery(campaign=campaign, target=campaign.targets.get(), signature=None, subject="S", body="B\n")
    digest.save()

    display = assert_safe_from(letters.build_letter(digest))

    assert "gov.example" not in display
    assert "mallory" not in display


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPOOFS.values(), ids=SPOOFS.keys())
def test_a_target_name_never_reads_as_another_address_in_to(campaign, name):
    target = campaign.targets.get()
    target.name = name
    target.save()
    signature = SignatureFactory(campaign=campaign)

    received = parsed(letters.build_letter(letter_from(signature)))

    [address] = received["To"].addresses
    assert address.addr_spec == target.email
    assert "@" not in address.display_name
    assert not [char for char in address.display_name if unicodedata.category(char).startswith("C")]


@pytest.mark.django_db
@pytest.mark.parametrize("site_name", ["Outcry", SPOOFS["quoted address"], SPOOFS["right-to-left override"]])
def test_every_other_email_comes_from_the_sending_address_under_a_safe_name(campaign, settings, site_name):
    settings.SITE_NAME = site_name
    signature = SignatureFactory(campaign=campaign, first_name=SPOOFS["angle address"])
    campaign.organisation.notify_email = "alerts@union.example.org"
    campaign.organisation.save()
    target = campaign.targets.get()
    url = "https://outcry.example.org/r/1/"
    messages = {
        "receipt": signer_mail.build_receipt(signature=signature, url=url),
        "confirmation": signer_mail.build_confirmation(signature=signature, url=url),
        "data link": signer_mail.build_data_link(signature=signature, url=url),
        "signer copy": letters.build_signer_copy(letter_from(signature)),
        "test letter": letters.build_test_letter(campaign=campaign, target=target, to_email="alice@union.example.org"),
        "milestone": build_notice(campaign, "milestone", {"percent": 50, "signatures": 50}),
        "bounce alert": build_bounce_alert(target, provider="Postmark"),
    }

    names = {kind: assert_safe_from(message) for kind, message in messages.items()}

    platform = header_display_name(site_name)
    assert names.pop("test letter") == " via ".join(filter(None, ("Jane Doe", platform)))
    assert set(names.values()) == {platform}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("typed", "header"),
    [
        ("Əliyev Nigar", "Əliyev Nigar"),
        ("  Jane \t  Doe  ", "Jane Doe"),
        ("Jane\u202eDoe", "JaneDoe"),
        ("Jane\u200c\u200dDoe\ufeff", "JaneDoe"),
        ("Jane <jane@example.org>", "Jane"),
        ("=?utf-8?q?x?= Jane", "Jane"),
        ('a"b<c>d\\e', "a b c d e"),
        ("ﬁona", "fiona"),  # compatibility forms folded, as NFKC does
        ("", ""),
    ],
)
def test_header_display_name(typed, header):
    assert header_display_name(typed) == header


@pytest.mark.unit
def test_header_display_name_is_capped():
    assert header_display_name("Wolfeschlegelsteinhausenbergerdorff " * 5) == (
        "Wolfeschlegelsteinhausenbergerdorff Wolfeschlegelsteinhausenberg"
    )


@pytest.mark.django_db
def test_a_place_cannot_reverse_the_sign_off_of_the_letter(campaign):
    from petitions.signing.forms import SignForm
    from petitions.signing.service import sign_petition

    typed = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.net", "country": "GB"}
    form = SignForm(typed | {"city": "Leeds\u202e", "organisation": "\u2067Unite\u2069 the Union"})
    assert form.is_valid(), form.errors
    signature = sign_petition(campaign=campaign, data=form.cleaned_data, language="en", client_ip=None)

    delivery = Delivery.objects.get(signature=signature)
    _, body = letters.render_letter(delivery)

    assert "Jane Doe\nUnite the Union, Leeds, United Kingdom" in body
