"""The signing form: what a signer types, not what the campaign decides (that is in services)."""

import functools
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from petitions.models import Signature

DEFAULT_CONSENT_TEXT = _("Keep me informed about this campaign and related ones by email.")


def _model_field(name: str, **kwargs) -> forms.Field:
    """The form field the Signature model defines: one source for labels and lengths."""
    return Signature._meta.get_field(name).formfield(**kwargs)


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def _country_choices() -> list[tuple[str, str]]:
    """Called when the select renders, so names come in the active language, sorted for it."""
    return [("", _("Choose your country")), *countries]


class CountryChoiceField(forms.ChoiceField):
    """Lazy choices (copying ~250 of them costs more than the rest of the form) and a set lookup
    for the check (Django's walks every translated name)."""

    def valid_value(self, value) -> bool:
        return value in _country_codes()


class SignForm(forms.Form):
    """A plain Form, not a ModelForm: the service builds the row, the database enforces uniqueness,
    and the signing request skips a second, model-level validation pass."""

    first_name = _model_field("first_name")
    last_name = _model_field("last_name")
    email = _model_field("email")
    country = CountryChoiceField(label=_("Country"), choices=_country_choices)
    city = _model_field("city")
    organisation = _model_field("organisation")
    message = _model_field("message", widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))
    consent_to_contact = _model_field("consent_to_contact")
    show_name_publicly = _model_field("show_name_publicly")
    wants_copy = _model_field("wants_copy")
    wants_receipt = _model_field("wants_receipt")
    # The abuse defences' inputs (petitions/abuse/): rendered outside the cached form by the
    # {% sign_form_guard %} tag, never shown as errors whatever they contain.
    homepage = forms.CharField(required=False, strip=False)
    form_stamp = forms.CharField(required=False)
    altcha = forms.CharField(required=False)

    def __init__(self, *args, allow_message: bool = True, consent_text: str = "", offer_copy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_message:
            del self.fields["message"]
        if not offer_copy:
            del self.fields["wants_copy"]
        self.fields["email"].help_text = _("Never shown publicly and never given to the target.")
        self.fields["consent_to_contact"].label = consent_text or DEFAULT_CONSENT_TEXT
        self.fields["wants_receipt"].help_text = _(
            "Shows whether each letter was queued, sent or delivered. Leave it unticked if others read your mail."
        )
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("first_name", css_class="col-sm-6"), Column("last_name", css_class="col-sm-6")),
            "email",
            Row(Column("country", css_class="col-sm-6"), Column("city", css_class="col-sm-6")),
            "organisation",
            *(["message"] if allow_message else []),
            Div(
                Field("consent_to_contact"),
                Field("show_name_publicly"),
                *([Field("wants_copy")] if offer_copy else []),
                Field("wants_receipt"),
                css_class="mb-2",
            ),
        )

    def clean_first_name(self) -> str:
        return single_line(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return single_line(self.cleaned_data["last_name"])

    def clean_city(self) -> str:
        return single_line(self.cleaned_data["city"])

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"])


def single_line(value: str) -> str:
    """Names end up in email headers and sign-offs: one line of printable text, or a clear error."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise forms.ValidationError(_("Please write this on one line, without special characters."))
    return value.strip()


class DataRequestForm(forms.Form):
    """The one field of "see, download or erase my signatures"."""

    email = forms.EmailField(label=_("Your email address"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, erase my name, address and messages from every campaign I signed."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
