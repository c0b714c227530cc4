"""Each letter's own bounce and reply addresses: on the inbound domain, read back, never forged."""

import pytest
from django.test import override_settings

from petitions.mail import letters
from petitions.mail.addresses import BOUNCE, REPLY, bounce_address, letter_of, reply_address
from petitions.models import Delivery
from tests.factories import SignatureFactory, TargetFactory, live_campaign


def test_an_address_is_read_back_as_the_letter_it_names():
    assert letter_of(bounce_address(42)) == letter_of(f"<{bounce_address(42)}>")
    assert (letter_of(bounce_address(42)).kind, letter_of(bounce_address(42)).delivery_id) == (BOUNCE, 42)
    assert (letter_of(reply_address(7)).kind, letter_of(reply_address(7)).delivery_id) == (REPLY, 7)
    assert letter_of(bounce_address(42).upper()).delivery_id == 42  # mail servers may change the case


@pytest.mark.parametrize(
    "forged",
    [
        lambda: bounce_address(42).replace("+42-", "+43-"),  # another letter's id under this tag
        lambda: bounce_address(42).replace("bounce+", "reply+"),  # a bounce tag used as a reply
        lambda: bounce_address(42).rpartition("@")[0] + "@elsewhere.example",
        lambda: "bounce+42@" + bounce_address(42).rpartition("@")[2],
        lambda: "letters@" + bounce_address(42).rpartition("@")[2],
        lambda: "",
    ],
)
def test_a_forged_or_foreign_address_names_no_letter(forged):
    assert letter_of(forged()) is None


@override_settings(INBOUND_MAIL_DOMAIN="Mail.Example.NET")
def test_the_inbound_domain_can_differ_from_the_sending_domain():
    assert bounce_address(5).endswith("@mail.example.net")
    assert letter_of(bounce_address(5)).delivery_id == 5


@pytest.mark.django_db
def test_a_stored_letter_carries_its_addresses_and_a_sample_none():
    campaign = live_campaign()
    target = TargetFactory(campaign=campaign)
    delivery = Delivery.objects.create(campaign=campaign, target=target, signature=SignatureFactory(campaign=campaign))
    delivery.subject, delivery.body = letters.render_letter(delivery)

    message = letters.build_letter(delivery)
    assert (message.reply_to, message.envelope_sender) == ([reply_address(delivery.pk)], bounce_address(delivery.pk))
    with override_settings(LETTER_BOUNCE_ADDRESSES=False):
        assert getattr(letters.build_letter(delivery), "envelope_sender", None) is None
    sample = letters.build_sample_letter(campaign=campaign, target=target)
    assert (sample.reply_to, getattr(sample, "envelope_sender", None)) == ([], None)
