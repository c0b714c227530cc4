"""Placeholder and format-string tricks in a signer's text, oversized and malformed requests."""

import pytest
from django.conf import settings
from django.urls import reverse

from petitions.delivery import sending
from petitions.models import Delivery, Signature
from tests.attacks.payloads import PLACEHOLDER_TRICKS

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    base = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}
    return base | overrides


@pytest.mark.parametrize("trick", PLACEHOLDER_TRICKS)
def test_signer_text_is_put_in_the_letter_verbatim_never_interpreted(client, campaign, trick):
    client.post(
        reverse("petitions:campaign", args=[campaign.slug]),
        form(city=trick[:100], organisation=trick, message=f"Before {trick} after"),
    )
    delivery = Delivery.objects.get()

    sending.send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert f"Before {trick} after" in delivery.body
    assert delivery.body.count(trick) >= 3  # message, and organisation and city in the sign-off
    assert settings.SECRET_KEY not in delivery.body
    assert "Presidential Administration" not in delivery.body.split("Before")[1].split("after")[0]


def test_body_over_the_upload_limit_gets_400_and_no_row(client, campaign, settings):
    """Django's own limit, behind the public body limit (tests/attacks/test_limits.py)."""
    settings.PUBLIC_MAX_BODY_BYTES = 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), form(message="x" * 100_000))

    assert response.status_code == 400
    assert "too large or malformed, so nothing was recorded" in response.content.decode()
    assert Signature.objects.count() == 0


def test_too_many_fields_gets_400_and_no_row(client, campaign, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 1024 * 1024  # Django's own limit, behind the body limit
    data = form() | {f"extra{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), data)

    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_default_upload_limit_is_generous_for_a_form_and_small_for_an_attack():
    assert 64 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024


def test_message_over_its_length_is_a_form_error_and_no_row(client, campaign):
    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), form(message="x" * 2001))

    assert response.status_code == 200
    assert "Your message is 2001 characters long; the limit is 2000." in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [b"first_name=%FF%FE&last_name=B", b"first_name=\xed\xa0\x80&last_name=B", b"first_name=Bob%00&last_name=B"],
    ids=["invalid-utf8", "lone-surrogate", "nul-byte"],
)
def test_invalid_unicode_is_refused_or_replaced_never_a_500(client, campaign, raw):
    body = raw + b"&email=bob%40example.net&country=GB"

    response = client.generic(
        "POST",
        reverse("petitions:campaign", args=[campaign.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (200, 302)
    for signature in Signature.objects.all():
        assert "\x00" not in signature.first_name
        signature.first_name.encode("utf-8")  # storable and printable
