"""Replies that arrive through a provider's inbound webhook (petitions/tracking/webhook.py opens
it): anymail's inbound signal hands over the message, and the letter is found from the reply
address it was sent to, as the SMTP receiver finds it. Mail to any other address is ignored."""

from anymail.signals import inbound
from django.dispatch import receiver

from petitions.mail.addresses import REPLY, letter_of
from petitions.responses.intake import receive_reply


def recipients_of(message) -> list[str]:
    """Where it was addressed: the envelope first, then the headers a provider keeps."""
    addresses = [message.envelope_recipient or ""]
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        addresses += [address.addr_spec for address in message.get_address_header(header)]
    return [address for address in addresses if address]


def reply_letter_id(message) -> int | None:
    for address in recipients_of(message):
        letter = letter_of(address)
        if letter is not None and letter.kind == REPLY:
            return letter.delivery_id
    return None


@receiver(inbound, dispatch_uid="petitions.responses.inbound")
def store_inbound_reply(sender, event, esp_name, **kwargs) -> None:
    """Raises on a temporary failure: the webhook answers 503 and the provider sends it again."""
    delivery_id = reply_letter_id(event.message)
    if delivery_id is not None:
        receive_reply(delivery_id, event.message.as_bytes())
