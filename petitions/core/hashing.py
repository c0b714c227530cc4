"""Keyed hashes and client addresses: how Outcry knows a repeat without keeping what it need not.

An IP address is never stored, only an HMAC under IP_HASH_KEY, enough to notice many signatures
from one address without being able to say which address it was.
"""

import contextlib
import functools
import hashlib
import hmac
import ipaddress
import re
import unicodedata

from django.conf import settings
from django.http import HttpRequest


def keyed_hash(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    """One spelling per mailbox: no surrounding space, lower case, the domain in its IDNA form."""
    local, _, domain = email.strip().rpartition("@")
    # The form's EmailValidator has already refused what cannot be a domain; keep the rest as typed.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}".lower()


def email_hash(email: str) -> str:
    return keyed_hash(settings.EMAIL_HASH_KEY, normalise_email(email))


def name_words(text: str) -> list[str]:
    """The words a name is searched by: case-folded, without accents' combining marks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [word for word in re.split(r"[\W_]+", plain) if word]


def name_token(word: str) -> str:
    return keyed_hash(settings.EMAIL_HASH_KEY, f"name:{word}")[:16]


def name_index(*names: str) -> str:
    """Keyed tokens of a signer's name words, space-delimited, so an organiser can find "Mammadova"
    while the name itself is stored encrypted (encryption.py)."""
    tokens = sorted({name_token(word) for name in names for word in name_words(name)})
    return f" {' '.join(tokens)} " if tokens else ""


def ip_hash(ip: str | None) -> str:
    return keyed_hash(settings.IP_HASH_KEY, ip) if ip else ""


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address a trusted proxy reports; never a header a client could forge."""
    remote = request.META.get("REMOTE_ADDR")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Walk from the nearest hop back: the first address that is not one of our proxies is the client.
    for candidate in reversed(forwarded):
        if not is_trusted_proxy(candidate):
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote
