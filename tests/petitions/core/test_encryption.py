"""Signer data encrypted at rest: a database dump shows no names, addresses, messages or letters."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from petitions.checks import signer_data_can_be_encrypted
from petitions.delivery.sending import send_delivery
from petitions.models import Delivery, Signature
from petitions.signing.service import sign_petition
from petitions.signing.storage import store_with_orm

pytestmark = pytest.mark.django_db

AYSEL = {
    "first_name": "Aysel",
    "last_name": "Məmmədova",
    "email": "aysel@example.net",
    "country": "AZ",
    "city": "Ganja",
    "organisation": "Oil Workers' Union",
    "message": "My brother is one of the four.",
}
PERSONAL = ("first_name", "last_name", "email", "city", "organisation", "message")


def stored(table: str, columns: tuple[str, ...], pk: int) -> dict[str, str]:
    """What the database holds, bypassing the model's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.fixture
def aysel(campaign) -> Signature:
    return sign_petition(campaign=campaign, data=AYSEL, language="az", client_ip=None)


def test_signing_stores_personal_data_encrypted(aysel):
    raw = stored("petitions_signature", PERSONAL, aysel.pk)

    assert all(value.startswith("enc:") for value in raw.values()), raw
    assert not any(AYSEL[field] in raw[field] for field in PERSONAL)
    assert {field: getattr(Signature.objects.get(), field) for field in PERSONAL} == {f: AYSEL[f] for f in PERSONAL}


def test_the_orm_signing_path_encrypts_too(campaign):
    signature = Signature(campaign=campaign, email="r@example.net", email_hash="x", first_name="Rustam", country="AZ")

    store_with_orm(signature, [], shard=0)

    assert stored("petitions_signature", ("first_name", "email"), signature.pk)["first_name"].startswith("enc:")


def test_a_sent_letter_is_stored_encrypted(aysel):
    letter = Delivery.objects.get()

    send_delivery(delivery_id=letter.pk)

    raw = stored("petitions_delivery", ("subject", "body"), letter.pk)
    assert raw["body"].startswith("enc:")
    assert "Aysel" not in raw["body"]
    assert "Aysel Məmmədova" in Delivery.objects.get().body


def test_signers_are_found_by_address_and_by_any_word_of_their_name(aysel):
    assert list(Signature.objects.with_email(" AYSEL@example.net")) == [aysel]
    assert list(Signature.objects.named("aysel")) == [aysel]
    assert list(Signature.objects.named("Mammadova")) == []  # a different spelling is a different word
    assert list(Signature.objects.named("məmmədova AYSEL")) == [aysel]
    assert list(Signature.objects.named("Aysel Aliyeva")) == []
    assert list(Signature.objects.named("  ")) == []


def test_rotating_the_key_keeps_every_value_readable(aysel, settings):
    old_key = settings.SIGNER_DATA_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = stored("petitions_signature", ("first_name",), aysel.pk)["first_name"]

    with override_settings(SIGNER_DATA_KEYS=[new_key, old_key]):
        call_command("rotate_signer_data_key", stdout=io.StringIO())
    with override_settings(SIGNER_DATA_KEYS=[new_key]):
        after = Signature.objects.get()

    assert stored("petitions_signature", ("first_name",), aysel.pk)["first_name"] != before
    assert (after.first_name, after.email) == ("Aysel", "aysel@example.net")


def test_a_changed_byte_is_detected_not_decrypted_into_garbage(aysel):
    raw = stored("petitions_signature", ("city",), aysel.pk)["city"]
    tampered = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_signature SET city = %s WHERE id = %s", [tampered, aysel.pk])

    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        Signature.objects.get()


def test_values_stored_before_encryption_are_read_and_then_encrypted(aysel):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_signature SET city = 'Baku' WHERE id = %s", [aysel.pk])

    legacy = Signature.objects.get().city
    call_command("rotate_signer_data_key", stdout=io.StringIO())

    assert legacy == "Baku"
    assert stored("petitions_signature", ("city",), aysel.pk)["city"].startswith("enc:")


@pytest.mark.parametrize(
    ("keys", "message"),
    [([], "SIGNER_DATA_KEYS is not set"), (["not-a-key"], "SIGNER_DATA_KEYS must be 32 random bytes each")],
)
def test_a_missing_or_malformed_key_stops_the_system_check(keys, message):
    with override_settings(SIGNER_DATA_KEYS=keys):
        [error] = signer_data_can_be_encrypted(None)

    assert error.id == "outcry.E002"
    assert error.msg.startswith(message)
