"""Sealed tokens for private links: a value and the time it was sealed, encrypted and authenticated.

A signed token (django.core.signing) only proves who wrote it: anyone holding the link can decode
what it carries, and a sequential signature id tells how many signed before and after, and in
which order. A sealed token is AES-GCM under a key derived from SECRET_KEY, with a random nonce
first: it reads as random bytes, no two are alike even for one value, and a changed character,
another purpose or another key fails to open it. The time it was sealed is inside, so links still
expire. SECRET_KEY_FALLBACKS open old tokens after a key rotation, as Django's signing does.
"""

import base64
import binascii
import os
import struct
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

NONCE_BYTES = 12
_SEALED_AT = struct.Struct(">Q")  # whole seconds since the epoch, first in the plaintext
_SMALLEST = NONCE_BYTES + _SEALED_AT.size + 16  # nonce, time, GCM tag; the value may be empty


def _cipher(secret: str) -> AESGCM:
    return AESGCM(salted_hmac("outcry.sealed-link", "", secret=secret, algorithm="sha256").digest())


def seal(value: bytes, *, purpose: str) -> str:
    """A URL-safe token of `value` for `purpose`, opened only by `unseal` with the same purpose."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(settings.SECRET_KEY).encrypt(nonce, _SEALED_AT.pack(int(time.time())) + value, purpose.encode())
    return _encode(nonce + sealed)


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unseal(token: str, *, purpose: str, max_age_seconds: float) -> bytes | None:
    """The value sealed in `token`, or None if it is not one of ours, not for `purpose`, or older than
    `max_age_seconds`."""
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    # One spelling per token: a last character that differs only in unused bits is not the token.
    if len(raw) < _SMALLEST or _encode(raw) != token:
        return None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        try:
            plain = _cipher(secret).decrypt(nonce, sealed, purpose.encode())
        except InvalidTag:
            continue
        (sealed_at,) = _SEALED_AT.unpack_from(plain)
        if time.time() - sealed_at > max_age_seconds:
            return None
        return plain[_SEALED_AT.size :]
    return None
