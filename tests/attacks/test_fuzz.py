"""Thousands of random signing forms: never a 500, never a row from invalid input."""

import unicodedata
from urllib.parse import urlencode

import pytest
from django.core.validators import validate_email
from django.http import QueryDict
from django.urls import reverse
from django_countries import countries
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns.selectors import campaign_page
from petitions.models import Signature
from petitions.signing import service
from petitions.web import views

pytestmark = pytest.mark.django_db

# Anything a browser or a script can send in a form: every category of character except lone
# surrogates (which no encoder can put on the wire).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
LONG_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=2100)
NAMES = st.one_of(st.sampled_from(["Bob", "Ayşe", "Мария", "محمد", "O'Brien", " Jo "]), ANY_TEXT)
EMAILS = st.one_of(
    st.emails().map(str),
    st.sampled_from(["bob@example.net", "BOB@EXAMPLE.NET ", "bob@bücher.example", "bob@", "@x", "a@b"]),
    ANY_TEXT,
)
COUNTRIES = st.one_of(st.sampled_from(["GB", "AZ", "TR", "", "XX", "gb"]), ANY_TEXT)
OPTIONAL = {
    "city": ANY_TEXT,
    "organisation": ANY_TEXT,
    "message": LONG_TEXT,
    "consent_to_contact": st.sampled_from(["on", "", "off", "1"]),
    "show_name_publicly": st.sampled_from(["on", "", "true"]),
    "homepage": st.sampled_from(["", "http://spam.example"]),
    "form_stamp": ANY_TEXT,
    "altcha": ANY_TEXT,
    "csrfmiddlewaretoken": ANY_TEXT,
}
REQUIRED = {"first_name": NAMES, "last_name": NAMES, "email": EMAILS, "country": COUNTRIES}
# Half complete forms (so that many are valid and stored), half with any field missing.
FORMS = st.one_of(
    st.fixed_dictionaries(REQUIRED, optional=OPTIONAL),
    st.fixed_dictionaries({}, optional=REQUIRED | OPTIONAL),
)
SINGLE_LINE_FIELDS = ("first_name", "last_name", "city", "organisation")
VALID_COUNTRIES = {code for code, _name in countries}


def assert_storable(signature: Signature) -> None:
    """What a stored row must be, whatever was sent: the rules of the form, checked independently."""
    validate_email(signature.email)
    assert signature.email == signature.email.strip().lower()
    assert signature.first_name
    assert signature.last_name
    assert signature.country.code in VALID_COUNTRIES
    assert len(signature.message) <= 2000
    for field in SINGLE_LINE_FIELDS:
        value = getattr(signature, field)
        assert value == value.strip()
        assert not any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value), (field, value)
    for field in (*SINGLE_LINE_FIELDS, "message", "email"):
        assert "\x00" not in getattr(signature, field)


FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


@hypothesis_settings(max_examples=2000, **FUZZ)
@given(data=FORMS)
def test_random_forms_never_store_invalid_input(campaign, data):
    """The view's own steps (views.campaign_detail: its form, then sign_petition), without rendering
    the page again, so that thousands of cases run in seconds."""
    before = Signature.objects.count()
    form = views.sign_form(campaign_page(campaign.slug, "en"), QueryDict(urlencode(data)))

    if form.is_valid():
        try:
            service.sign_petition(campaign=campaign, data=form.cleaned_data, language="en", client_ip="203.0.113.5")
        except service.AlreadySigned:
            return
        assert Signature.objects.count() == before + 1
        assert_storable(Signature.objects.order_by("-pk").first())
        event("stored")
    else:
        assert Signature.objects.count() == before


@hypothesis_settings(max_examples=100, **FUZZ)
@given(data=FORMS)
def test_random_forms_through_the_page_get_a_page_or_a_signature_never_an_error(client, campaign, data):
    before = Signature.objects.count()

    response = client.post(reverse("petitions:campaign", args=[campaign.slug]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Signature.objects.count() == before
    elif Signature.objects.count() > before:
        assert_storable(Signature.objects.order_by("-pk").first())
