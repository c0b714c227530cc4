"""Signers' private links give nothing away: no signature id, no order of signing, no address hash.

A government that reads one signer's mail (or a hundred) must not learn from the links how many
signed before or after them, or which row of a database copy they are.
"""

import base64
import binascii
import contextlib
import itertools
import os
import re
import struct
import time
import zlib

import pytest
from django.core import signing

from petitions.privacy import signer_requests
from petitions.signing import confirmations, links, receipts
from tests.factories import SignatureFactory, receipt_token

pytestmark = pytest.mark.django_db

FIRST_ID = 73519  # several digits, so finding them by chance in a token is unlikely


def decodings(token: str) -> list[bytes]:
    """Every way someone might try to read a token or its parts: raw, base64 (both alphabets, and
    zlib-inflated, as Django's signing compresses), hex."""
    parts = [token, *re.split(r"[^A-Za-z0-9_-]", token), *re.split(r"[^A-Za-z0-9]", token)]
    found = [token.encode()]
    for part in filter(None, parts):
        padded = part + "=" * (-len(part) % 4)
        for decode in (base64.urlsafe_b64decode, base64.b64decode, binascii.unhexlify):
            with contextlib.suppress(binascii.Error, ValueError):
                found.append(decode(padded if decode is not binascii.unhexlify else part))
    for blob in list(found):
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(blob))
    return found


def id_forms(signature_id: int) -> list[bytes]:
    """The id as a reader would look for it: digits, and packed in 4 or 8 bytes either way round."""
    return [
        str(signature_id).encode(),
        struct.pack(">I", signature_id),
        struct.pack("<I", signature_id),
        struct.pack(">Q", signature_id)[-4:],
    ]


@pytest.fixture
def signers(campaign):
    """Twenty signatures in a row, with consecutive ids."""
    return [SignatureFactory(campaign=campaign, pk=FIRST_ID + n) for n in range(20)]


@pytest.mark.parametrize("purpose", [receipts.PURPOSE, confirmations.PURPOSE])
def test_no_decoding_of_a_token_holds_the_signature_id(signers, purpose):
    for signature in signers:
        token = links.make_token(signature, purpose=purpose)

        readable = decodings(token)

        assert not [form for form in id_forms(signature.pk) for text in readable if form in text], token


def test_a_token_is_not_a_readable_signed_value(signers):
    token = receipt_token(signers[0])

    assert ":" not in token
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="outcry.petitions.receipt")


def test_consecutive_signatures_tokens_show_no_order(signers):
    tokens = [receipt_token(signature) for signature in signers]
    raw = [base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)) for token in tokens]

    # No shared beginning, and no byte position that stays the same from one signer to the next
    # beyond what chance gives random bytes (an id or a time in the clear would keep most of its bytes).
    for before, after in itertools.pairwise(tokens):
        assert len(os.path.commonprefix([before, after])) <= 3  # noqa: RUF071 - characters, not paths
    for before, after in itertools.pairwise(raw):
        assert sum(a == b for a, b in zip(before, after, strict=True)) <= 6
    assert len({len(token) for token in tokens}) == 1  # the length says nothing either
    assert tokens != sorted(tokens)
    assert tokens != sorted(tokens, reverse=True)


def test_one_signature_gets_a_different_token_each_time(signers):
    assert receipt_token(signers[0]) != receipt_token(signers[0])


def test_a_token_opens_to_its_signature(signers):
    signature = signers[3]

    found = receipts.signature_for_token(receipt_token(signature), slug=signature.campaign.slug)

    assert found == signature


@pytest.mark.parametrize("position", [0, 10, 30, -1])
def test_a_tampered_token_opens_to_nothing(signers, position):
    signature = signers[0]
    token = receipt_token(signature)
    swapped = "A" if token[position] != "A" else "B"
    tampered = token[:position] + swapped + token[position + 1 :] if position != -1 else token[:-1] + swapped

    assert receipts.signature_for_token(tampered, slug=signature.campaign.slug) is None


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2], lambda t: t + "A", lambda t: t + "!", lambda t: "", lambda t: "é" + t]
)
def test_a_truncated_lengthened_or_garbled_token_opens_to_nothing(signers, mangle):
    signature = signers[0]

    assert receipts.signature_for_token(mangle(receipt_token(signature)), slug=signature.campaign.slug) is None


def test_a_token_for_one_purpose_does_not_open_for_another(signers):
    token = links.make_token(signers[0], purpose=confirmations.PURPOSE)

    assert receipts.signature_for_token(token, slug=signers[0].campaign.slug) is None
    assert confirmations.signature_for_token(token, slug=signers[0].campaign.slug) == signers[0]


def test_a_token_expires(signers, monkeypatch, settings):
    token = links.make_token(signers[0], purpose=confirmations.PURPOSE)
    slug = signers[0].campaign.slug
    now = time.time()

    monkeypatch.setattr("time.time", lambda: now + (settings.CONFIRMATION_EXPIRY_DAYS * 86400) - 60)
    assert confirmations.signature_for_token(token, slug=slug) == signers[0]
    monkeypatch.setattr("time.time", lambda: now + (settings.CONFIRMATION_EXPIRY_DAYS * 86400) + 60)
    assert confirmations.signature_for_token(token, slug=slug) is None


def test_a_token_sealed_under_another_key_does_not_open_but_an_old_key_still_does(signers, settings):
    settings.SECRET_KEY = "an-old-key-" + "x" * 50
    token = receipt_token(signers[0])
    slug = signers[0].campaign.slug

    settings.SECRET_KEY = "a-new-key-" + "y" * 50
    assert receipts.signature_for_token(token, slug=slug) is None
    settings.SECRET_KEY_FALLBACKS = ["an-old-key-" + "x" * 50]
    assert receipts.signature_for_token(token, slug=slug) == signers[0]


def test_a_link_signed_before_tokens_were_sealed_works_until_it_expires(signers, monkeypatch):
    """Receipt links mailed before the change keep working for their year; none are issued any more."""
    signature = signers[0]
    old = signing.dumps(signature.pk, salt="outcry.petitions.receipt", compress=True)

    assert receipts.signature_for_token(old, slug=signature.campaign.slug) == signature
    assert confirmations.signature_for_token(old, slug=signature.campaign.slug) is None
    in_two_years = time.time() + 2 * 365 * 86400
    monkeypatch.setattr("time.time", lambda: in_two_years)
    assert receipts.signature_for_token(old, slug=signature.campaign.slug) is None


def test_the_data_link_does_not_carry_the_address_hash_readably(signers):
    key = signers[0].email_hash
    token = signer_requests.data_link(key).rstrip("/").rsplit("/", 1)[1]

    readable = decodings(token)

    assert not [text for text in readable if key.encode() in text or bytes.fromhex(key)[:8] in text]
    assert signer_requests.key_for_token(token) == key
    assert signer_requests.key_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
