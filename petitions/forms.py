"""The signing form: what a signer types, not what the campaign decides (that is in services)."""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.models import Signature

DEFAULT_CONSENT_TEXT = _("Keep me informed about this campaign and related ones by email.")


class SignForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = [
            "first_name",
            "last_name",
            "email",
            "country",
            "city",
            "organisation",
            "message",
            "consent_to_contact",
            "show_name_publicly",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args, allow_message: bool = True, consent_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_message:
            del self.fields["message"]
        self.fields["email"].help_text = _("Never shown publicly and never given to the target.")
        self.fields["consent_to_contact"].label = consent_text or DEFAULT_CONSENT_TEXT
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
            Div(Field("consent_to_contact"), Field("show_name_publicly"), css_class="mb-2"),
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
