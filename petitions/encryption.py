"""Signer data encrypted at rest: names, addresses, places, messages and the letters written from them.

A stolen database dump or backup must not become a list of who wrote to a government. Each value
is encrypted with Fernet (AES-128-CBC with an HMAC-SHA256 tag) under SIGNER_DATA_KEYS from the
environment, and stored as "enc:<token>". The first key encrypts; every key decrypts, so a key is
rotated by putting a new one first and running `manage.py rotate_signer_data_key`.

What encryption costs: lookups. "Already signed" and searches by address use the keyed hash
(Signature.email_hash); names are found through a keyed index of their words
(Signature.name_index). An empty value stays empty, so "was anything given?" still works.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

PREFIX = "enc:"


MAKE_KEY = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def key_problem(keys: list[str]) -> str | None:
    """Why SIGNER_DATA_KEYS cannot encrypt, or None (the system check outcry.E002 reports it)."""
    if not keys:
        return f"SIGNER_DATA_KEYS is not set: signer data is encrypted with a key of its own. Make one with: {MAKE_KEY}"
    try:
        _fernet(tuple(keys))
    except ValueError:
        return f"SIGNER_DATA_KEYS must be Fernet keys (url-safe base64, comma-separated). Make one with: {MAKE_KEY}"
    return None


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    problem = key_problem(settings.SIGNER_DATA_KEYS)
    if problem:
        raise ImproperlyConfigured(problem)
    return _fernet(tuple(settings.SIGNER_DATA_KEYS))


def encrypt(value: str) -> str:
    if not value or value.startswith(PREFIX):
        return value
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    """The plain text; a value without the prefix was stored before encryption and is returned as is."""
    if not value or not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Signer data cannot be decrypted with SIGNER_DATA_KEYS: is the key that encrypted it missing?"
        ) from exc


def rotate(value: str) -> str:
    """Re-encrypt under the first key (after a new key was put first)."""
    if not value or not value.startswith(PREFIX):
        return encrypt(value)
    return PREFIX + fernet().rotate(value[len(PREFIX) :].encode()).decode()


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
}


def reencrypt_signer_data(*, batch_size: int = 2000, on_batch=None) -> int:
    """Read every encrypted value (any key decrypts) and write it back under the first key; also
    encrypts values stored before encryption. Returns the rows rewritten."""
    from django.apps import apps

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
