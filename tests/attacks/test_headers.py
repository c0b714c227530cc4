"""CR/LF and Unicode line separators in every field that reaches a mail header: refused at the form
or folded to one line; a letter never carries a header the attacker wrote."""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.models import MessageTemplate, Target
from petitions.delivery import sending
from petitions.mail.addresses import reply_address
from petitions.models import Delivery, Signature
from tests.attacks.payloads import HEADER_INJECTIONS, LINE_BREAKS

pytestmark = pytest.mark.django_db

HEADER_FIELDS = ["first_name", "last_name", "city", "organisation"]
# Reply-To is the letter's own reply address (petitions/mail/addresses.py), never a typed one.
EXPECTED_HEADERS = {"Content-Type", "MIME-Version", "Subject", "From", "To", "Date", "Message-ID", "Reply-To"}


def form(**overrides) -> dict:
    base = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}
    return base | overrides


def headers_of(message) -> dict[str, str]:
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return {name: str(value) for name, value in parsed.items()}


@pytest.mark.parametrize("field", HEADER_FIELDS)
@pytest.mark.parametrize("value", HEADER_INJECTIONS, ids=[repr(b) for b in LINE_BREAKS])
def test_line_break_in_a_name_or_place_is_refused_with_a_clear_error(client, campaign, field, value):
    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), form(**{field: value}))

    assert response.status_code == 200
    assert "Please write this on one line" in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("value", HEADER_INJECTIONS, ids=[repr(b) for b in LINE_BREAKS])
def test_line_break_in_the_email_address_is_refused(client, campaign, value):
    email = value.replace("Mallory", "bob@example.net")

    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), form(email=email))

    assert response.status_code == 200
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("value", HEADER_INJECTIONS, ids=[repr(b) for b in LINE_BREAKS])
def test_message_in_the_subject_is_folded_to_one_line(client, campaign, value):
    """The message may have line breaks (it is the letter's body); a subject that quotes it folds them."""
    templates = MessageTemplate.objects.filter(campaign=campaign)
    templates.update(letter_subject="From {signer_first_name}: {signer_message}")
    client.post(reverse("petitions:campaign", args=[campaign.slug]), form(message=value, wants_copy="on"))
    delivery = Delivery.objects.get()

    sending.send_delivery(delivery_id=delivery.pk)

    [letter] = mail.outbox
    headers = headers_of(letter)
    assert set(headers) == EXPECTED_HEADERS
    assert headers["Reply-To"] == reply_address(delivery.pk)
    assert headers["Subject"] == "From Bob: Mallory Bcc: victim@mallory.example"
    assert letter.bcc == []
    assert "victim@mallory.example" not in letter.recipients()


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=repr)
def test_organiser_text_with_line_breaks_cannot_add_headers_either(client, campaign, brk):
    Target.objects.filter(campaign=campaign).update(name=f"Office{brk}Bcc: victim@mallory.example")
    templates = MessageTemplate.objects.filter(campaign=campaign)
    templates.update(letter_subject=f"Free them{brk}Bcc: victim@mallory.example")
    client.post(reverse("petitions:campaign", args=[campaign.slug]), form())

    sending.send_delivery(delivery_id=Delivery.objects.get().pk)

    [letter] = mail.outbox
    headers = headers_of(letter)
    assert set(headers) == EXPECTED_HEADERS
    assert "victim@mallory.example" not in letter.recipients()
    assert "\n" not in headers["Subject"]
