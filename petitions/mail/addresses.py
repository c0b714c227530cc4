"""The addresses a letter carries so that what comes back finds it: bounces and replies.

Each letter goes out with two addresses of its own on the inbound domain (INBOUND_MAIL_DOMAIN,
by default the sending domain):

- the envelope sender (Return-Path), `bounce+<id>-<tag>@domain`, where receiving servers send
  delivery status notifications (VERP: the address itself says which letter bounced, whatever the
  bounce's format);
- Reply-To, `reply+<id>-<tag>@domain`, so a target's answer reaches the campaign and never the
  signer, whose address the letter does not carry.

<id> is the delivery's id, <tag> an HMAC of it under SECRET_KEY, so nobody can forge a bounce or a
reply for a letter they have not received. Both arrive at the inbound mail receiver
(`manage.py receive_mail`), which reads them back with `letter_of()`.
"""

import hmac
import re
from dataclasses import dataclass

from django.conf import settings

from petitions.mail.outgoing import sending_domain

BOUNCE, REPLY = "bounce", "reply"
KINDS = (BOUNCE, REPLY)
TAG_LENGTH = 10
_ADDRESS = re.compile(r"(?P<kind>bounce|reply)\+(?P<id>[1-9][0-9]{0,18})-(?P<tag>[0-9a-f]+)", re.IGNORECASE)


@dataclass(frozen=True)
class LetterAddress:
    """What an address of ours names: which letter, and whether it is its bounce or reply address."""

    kind: str
    delivery_id: int


def inbound_domain() -> str:
    """The domain bounces and replies are addressed to."""
    return (settings.INBOUND_MAIL_DOMAIN or sending_domain()).lower()


def _tag(kind: str, delivery_id: int) -> str:
    message = f"{kind}:{delivery_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, "sha256").hexdigest()[:TAG_LENGTH]


def letter_address(kind: str, delivery_id: int) -> str:
    """The `kind` address of one letter (a signer's letter or a digest)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown letter address kind: {kind!r}")
    return f"{kind}+{delivery_id}-{_tag(kind, delivery_id)}@{inbound_domain()}"


def bounce_address(delivery_id: int) -> str:
    return letter_address(BOUNCE, delivery_id)


def reply_address(delivery_id: int) -> str:
    return letter_address(REPLY, delivery_id)


def letter_of(address: str) -> LetterAddress | None:
    """The letter an address of ours names, or None: another domain, another form, a wrong tag."""
    local, _, domain = (address or "").strip().strip("<>").rpartition("@")
    if domain.lower() != inbound_domain():
        return None
    match = _ADDRESS.fullmatch(local)
    if match is None:
        return None
    kind, delivery_id = match["kind"].lower(), int(match["id"])
    if not hmac.compare_digest(match["tag"].lower(), _tag(kind, delivery_id)):
        return None
    return LetterAddress(kind=kind, delivery_id=delivery_id)


def uses_bounce_addresses() -> bool:
    """Whether letters go out with their own Return-Path. On by default for SMTP and files; a
    provider (anymail) reports bounces through its webhook and often insists on its own."""
    return settings.LETTER_BOUNCE_ADDRESSES
