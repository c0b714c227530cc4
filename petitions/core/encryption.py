"""Signer data encrypted at rest: names, addresses, places, messages and the letters written from them.

A stolen database dump or backup must not become a list of who wrote to a government. Each value
is encrypted with AES-256-GCM (authenticated: a changed byte is detected) under SIGNER_DATA_KEYS
from the environment, and stored as "enc:" + base64(key id, nonce, ciphertext and tag). The first
key encrypts; every key decrypts (the key id says which), so a key is rotated by putting a new one
first and running `manage.py rotate_signer_data_key`. AES-GCM rather than Fernet: an export of a
million signers decrypts four million values, and Fernet's Python-side HMAC, timestamp and
padding cost about four times as much per value.

What encryption costs: lookups. "Already signed" and searches by address use the keyed hash
(Signature.email_hash); names are found through a keyed index of their words
(Signature.name_index). An empty value stays empty, so "was anything given?" still works.
"""

import base64
import binascii
import functools
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

PREFIX = "enc:"
KEY_ID_BYTES, NONCE_BYTES = 4, 12
MAKE_KEY = 'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'


@functools.cache
def _ciphers(keys: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], ...]:
    """(key id, cipher) per key, first the one that encrypts. Raises ValueError on a bad key."""
    ciphers = []
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.strip())
        except (binascii.Error, ValueError) as exc:
            raise ValueError("not url-safe base64") from exc
        if len(raw) != 32:
            raise ValueError("not 32 bytes")
        ciphers.append((hashlib.sha256(raw).digest()[:KEY_ID_BYTES], AESGCM(raw)))
    return tuple(ciphers)


def key_problem(keys: list[str]) -> str | None:
    """Why SIGNER_DATA_KEYS cannot encrypt, or None (the system check outcry.E002 reports it)."""
    if not keys:
        return f"SIGNER_DATA_KEYS is not set: signer data is encrypted with a key of its own. Make one with: {MAKE_KEY}"
    try:
        _ciphers(tuple(keys))
    except ValueError:
        return (
            "SIGNER_DATA_KEYS must be 32 random bytes each, url-safe base64, comma-separated. "
            f"Make one with: {MAKE_KEY}"
        )
    return None


def ciphers() -> tuple[tuple[bytes, AESGCM], ...]:
    problem = key_problem(settings.SIGNER_DATA_KEYS)
    if problem:
        raise ImproperlyConfigured(problem)
    return _ciphers(tuple(settings.SIGNER_DATA_KEYS))


def encrypt(value: str) -> str:
    if not value or value.startswith(PREFIX):
        return value
    key_id, cipher = ciphers()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = key_id + nonce + cipher.encrypt(nonce, value.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode()


def decrypt(value: str) -> str:
    """The plain text; a value without the prefix was stored before encryption and is returned as is."""
    if not value or not value.startswith(PREFIX):
        return value
    sealed = base64.urlsafe_b64decode(value[len(PREFIX) :])
    key_id, nonce = sealed[:KEY_ID_BYTES], sealed[KEY_ID_BYTES : KEY_ID_BYTES + NONCE_BYTES]
    data = sealed[KEY_ID_BYTES + NONCE_BYTES :]
    for candidate_id, cipher in ciphers():
        if candidate_id == key_id:
            try:
                return cipher.decrypt(nonce, data, None).decode()
            except InvalidTag:
                break
    raise ImproperlyConfigured(
        "Signer data cannot be decrypted with SIGNER_DATA_KEYS: is the key that encrypted it missing?"
    )


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back; the column is text, since a
    token is about twice as long as what it hides. Filtering on the value finds nothing: use the
    keyed hash or the name index."""

    def get_internal_type(self) -> str:
        return "TextField"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if isinstance(value, str) else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if isinstance(value, str) else value


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


ENCRYPTED_FIELDS = {
    "Signature": ("first_name", "last_name", "email", "city", "organisation", "message"),
    "Delivery": ("subject", "body"),
    "WebhookEndpoint": ("secret", "osdi_api_token"),
    "WebhookDelivery": ("body",),
}


def reencrypt_signer_data(*, batch_size: int = 2000, on_batch=None) -> int:
    """Read every encrypted value (any key decrypts) and write it back under the first key; also
    encrypts values stored before encryption. Returns the rows rewritten."""
    from django.apps import apps  # here, not at the top: the models import this module's fields

    rewritten = 0
    for model_name, fields in ENCRYPTED_FIELDS.items():
        model = apps.get_model("petitions", model_name)
        last = 0
        while True:
            # Locked while rewritten: a letter recorded sent meanwhile waits instead of being undone.
            with transaction.atomic():
                batch = model.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                rows = list(batch.only("pk", *fields)[:batch_size])
                if rows:
                    model.objects.bulk_update(rows, list(fields))
            if not rows:
                break
            rewritten += len(rows)
            last = rows[-1].pk
            if on_batch:
                on_batch(model_name, len(rows))
    return rewritten
