"""The signing form: what a signer types, not what the campaign decides (that is in services)."""

import functools
import json
import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from campaigns.enums import SignerVoice
from campaigns.placeholders import KEPT_IN_OWN_LETTER, as_signer_text, placeholders_in
from petitions.models import Signature
from petitions.signing.email_typos import COMMON_MAIL_DOMAINS, suggested_address

# The list static/js/form.js reads for its "did you mean ...?" hint: built once, not per request.
COMMON_DOMAINS_ATTRIBUTE = " ".join(sorted(COMMON_MAIL_DOMAINS))
TOO_LONG = _(
    "Your text is %(show_value)s characters long; the limit is %(limit_value)s. "
    "Please shorten it: nothing has been sent yet."
)
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


class MessageField(forms.CharField):
    """Line breaks counted as the signer sees them: browsers send each as CR LF."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class SignForm(forms.Form):
    """A plain Form, not a ModelForm: the service builds the row, the database enforces uniqueness,
    and the signing request skips a second, model-level validation pass."""

    first_name = _model_field("first_name")
    last_name = _model_field("last_name")
    email = _model_field("email")
    country = CountryChoiceField(label=_("Country"), choices=_country_choices)
    city = _model_field("city")
    organisation = _model_field("organisation")
    message = _model_field(
        "message",
        form_class=MessageField,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Your message is %(show_value)s characters long; the limit is %(limit_value)s. "
                "Please shorten it: nothing has been sent yet."
            )
        },
    )
    # The signer's own words (Campaign.signer_voice): kept or removed in __init__.
    own_subject = _model_field("own_subject", form_class=forms.CharField, error_messages={"max_length": TOO_LONG})
    own_body = _model_field(
        "own_body",
        form_class=MessageField,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"max_length": TOO_LONG},
    )
    own_paragraph = _model_field(
        "own_paragraph",
        form_class=MessageField,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )
    # The address the signer was asked about ("did you mean ...?") and sent again as it was.
    email_checked = forms.CharField(required=False, widget=forms.HiddenInput)
    consent_to_contact = _model_field("consent_to_contact")
    show_name_publicly = _model_field("show_name_publicly")
    # Offered only where the campaign's signers are not at risk: kept or removed in __init__.
    show_full_name_in_handover = _model_field("show_full_name_in_handover")
    wants_copy = _model_field("wants_copy")
    wants_receipt = _model_field("wants_receipt")
    # The abuse defences' inputs (petitions/abuse/): rendered outside the cached form by the
    # {% sign_form_guard %} tag, never shown as errors whatever they contain.
    homepage = forms.CharField(required=False, strip=False)
    form_stamp = forms.CharField(required=False)
    altcha = forms.CharField(required=False)

    # Where letters go by postcode (campaigns/routing.py).
    postcode = _model_field("postcode")
    # Where the campaign lets signers choose whom to write to (campaigns/routing.py).
    targets = forms.TypedMultipleChoiceField(
        label=_("Whom do you write to?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one target to write to.")},
    )

    def __init__(
        self,
        *args,
        allow_message: bool = True,
        consent_text: str = "",
        offer_copy: bool = False,
        target_choices: list[tuple[int, str]] | None = None,
        choice_limit: int = 0,
        routes: dict[str, tuple[str, ...]] | None = None,
        postcode_routes: dict | None = None,
        voice: str = SignerVoice.FIXED,
        letter: tuple[str, str] = ("", ""),
        offer_full_name: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._choose_targets, self._choice_limit = target_choices is not None, choice_limit
        if target_choices is None:
            del self.fields["targets"]
        else:
            self.fields["targets"].choices = target_choices
            self.fields["targets"].help_text = ngettext("Choose one.", "Choose up to %(limit)s.", choice_limit) % {
                "limit": choice_limit
            }
        if postcode_routes is None:
            del self.fields["postcode"]
        else:
            postcode = self.fields["postcode"]
            postcode.required, postcode.label = True, _("Postcode")
            postcode.help_text = _("Your letter goes to the targets for your postcode.")
            postcode.error_messages["required"] = _("Please give your postcode: it says whom your letter goes to.")
            postcode.widget.attrs.update(
                {
                    "autocomplete": "postal-code",
                    "data-postcode-routes": json.dumps(postcode_routes, ensure_ascii=False),
                    "data-routes-label": _("Your letter goes to:"),
                }
            )
        if routes:
            # static/js/form.js names the targets as soon as a country is chosen.
            self.fields["country"].widget.attrs["data-routes"] = json.dumps(routes, ensure_ascii=False)
            self.fields["country"].widget.attrs["data-routes-label"] = _("Your letter goes to:")
        self._voice, self._letter = voice, tuple(as_signer_text(text) for text in letter)
        if voice != SignerVoice.EDIT or not all(letter):
            del self.fields["own_subject"], self.fields["own_body"]
        else:
            self._set_up_letter_editor()
        if voice != SignerVoice.PARAGRAPH:
            del self.fields["own_paragraph"]
        else:
            _with_counter(self.fields["own_paragraph"], keep_help=True)
            self.fields["own_paragraph"].label = _("Your own paragraph")
            self.fields["own_paragraph"].help_text = _(
                "Optional. It opens your letter, in your own words. %(limit)s"
            ) % {"limit": self.fields["own_paragraph"].help_text}
        if not allow_message:
            del self.fields["message"]
        if not offer_copy:
            del self.fields["wants_copy"]
        if not offer_full_name:
            del self.fields["show_full_name_in_handover"]
        else:
            self.fields["show_full_name_in_handover"].help_text = _(
                "With the box above ticked: your first and last name, not only your first name. "
                "The campaign's page still shows only your first name."
            )
        self.fields["email"].help_text = _("Never shown publicly and never given to the target.")
        self.fields["email"].widget.attrs["data-common-domains"] = COMMON_DOMAINS_ATTRIBUTE
        self.fields["email"].widget.attrs["data-typo-hint"] = _("Did you mean %(address)s?")
        self.fields["email"].widget.attrs["data-typo-button"] = _("Yes, use it")
        if allow_message:
            _with_counter(self.fields["message"])
        self.fields["consent_to_contact"].label = consent_text or DEFAULT_CONSENT_TEXT
        self.fields["wants_receipt"].help_text = _(
            "Shows whether each letter was queued, sent or delivered. Leave it unticked if others read your mail."
        )
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self._allow_message, self._offer_copy = allow_message, offer_copy

    @functools.cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is shown: a signature sent without errors never
        renders it."""
        routes_shown = "data-routes" in self.fields["country"].widget.attrs or "postcode" in self.fields
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Row(Column("first_name", css_class="col-sm-6"), Column("last_name", css_class="col-sm-6")),
            "email",
            Row(Column("country", css_class="col-sm-6"), Column("city", css_class="col-sm-6")),
            *(["postcode"] if "postcode" in self.fields else []),
            *([HTML('<p class="small" data-route-note aria-live="polite" hidden></p>')] if routes_shown else []),
            "organisation",
            *([Field("targets")] if self._choose_targets else []),
            *(["own_subject", "own_body"] if "own_body" in self.fields else []),
            *(["own_paragraph"] if "own_paragraph" in self.fields else []),
            *(["message"] if self._allow_message else []),
            Div(
                Field("consent_to_contact"),
                Field("show_name_publicly"),
                *([Field("show_full_name_in_handover")] if "show_full_name_in_handover" in self.fields else []),
                *([Field("wants_copy")] if self._offer_copy else []),
                Field("wants_receipt"),
                css_class="mb-2",
            ),
        )
        return helper

    def clean_first_name(self) -> str:
        return person_name(single_line(self.cleaned_data["first_name"]))

    def clean_last_name(self) -> str:
        return person_name(single_line(self.cleaned_data["last_name"]))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        suggestion = suggested_address(email)
        if suggestion and self.data.get(self.add_prefix("email_checked")) != email:
            self.typo_checked = email  # sent again unchanged, it is taken as meant
            raise forms.ValidationError(
                _("Did you mean %(suggestion)s? If %(email)s is right, send the form again as it is."),
                params={"suggestion": suggestion, "email": email},
                code="typo",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_name"), cleaned.get("last_name")
        if first and last and sum(char.isalpha() for char in first + last) < NAME_MIN_LETTERS:
            self.add_error("last_name", _("Please write your full name as it should appear on the letter."))
        own = (cleaned.get("own_subject", "").strip(), cleaned.get("own_body", "").strip())
        if "own_body" in self.fields and own == tuple(text.strip() for text in self._letter):
            # Unchanged, it is the campaign's letter (with its variants), not the signer's own.
            cleaned["own_subject"] = cleaned["own_body"] = ""
        return cleaned

    def clean_targets(self) -> list[int]:
        chosen = self.cleaned_data["targets"]
        if len(chosen) > self._choice_limit:
            raise forms.ValidationError(
                ngettext(
                    "You chose %(count)s targets; you may write to one. Untick the others.",
                    "You chose %(count)s targets; you may write to %(limit)s at most. Untick the others.",
                    self._choice_limit,
                ),
                params={"count": len(chosen), "limit": self._choice_limit},
            )
        return chosen

    def _set_up_letter_editor(self) -> None:
        subject, body = self.fields["own_subject"], self.fields["own_body"]
        subject.initial, body.initial = self._letter
        subject.required = body.required = True
        subject.label, body.label = _("Subject of your letter"), _("Your letter")
        subject.help_text = _("You may change it. Up to %(limit)s characters, on one line.") % {
            "limit": number_format(subject.max_length, force_grouping=True)
        }
        _with_counter(body, keep_help=True)
        kept = " ".join(f"{{{name}}}" for name in self.kept_placeholders)
        body.help_text = _(
            "Write it as you wish. Words in braces such as %(kept)s are filled in for you: keep them. %(limit)s"
        ) % {"kept": kept or "{target_name}", "limit": body.help_text}
        body.widget.attrs["spellcheck"] = "true"
        subject.widget.attrs["dir"] = "auto"

    @functools.cached_property
    def kept_placeholders(self) -> list[str]:
        """The placeholders an edited letter must keep: those naming the target and the signer."""
        present = placeholders_in(self._letter[1])
        return [name for name in KEPT_IN_OWN_LETTER if name in present]

    def clean_own_subject(self) -> str:
        subject = single_line(self.cleaned_data["own_subject"])
        _no_new_links(subject, self._letter[0])
        return subject

    def clean_own_body(self) -> str:
        body = signer_text(self.cleaned_data["own_body"])
        _no_new_links(body, self._letter[1])
        missing = [name for name in self.kept_placeholders if name not in placeholders_in(body)]
        if missing:
            raise forms.ValidationError(
                _("Please keep %(placeholders)s in your letter: it is filled in for you."),
                params={"placeholders": ", ".join(f"{{{name}}}" for name in missing)},
                code="placeholder_removed",
            )
        return body

    def clean_own_paragraph(self) -> str:
        paragraph = signer_text(self.cleaned_data["own_paragraph"])
        _no_new_links(paragraph, "")
        return paragraph

    def clean_postcode(self) -> str:
        return single_line(self.cleaned_data["postcode"])

    def clean_city(self) -> str:
        return single_line(self.cleaned_data["city"])

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"])


NAME_MIN_LETTERS = 2
# Besides letters, combining marks and spaces, names may hold these: O'Brien, Jean-Luc, J. Smith.
NAME_PUNCTUATION = frozenset("-'’ʼ.")
NAME_JOINERS = frozenset("\u200c")  # the zero-width non-joiner of Persian and Kurdish spelling


def person_name(value: str) -> str:
    """A name a government official would read as one: letters (any script), with the few marks
    names use; no emoji, digits or symbols, and at least one letter."""
    allowed = all(
        char.isalpha()
        or unicodedata.category(char).startswith("M")
        or char.isspace()
        or char in NAME_PUNCTUATION
        or char in NAME_JOINERS
        for char in value
    )
    if not allowed or not any(char.isalpha() for char in value):
        raise forms.ValidationError(
            _("Please write your name in letters (hyphens, apostrophes and full stops are fine)."), code="name"
        )
    return value


# Embeddings, overrides and isolates: invisible, and each reorders the text after it (U+202E shows
# the rest of a sign-off backwards). No place or organisation needs them; they are dropped.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _with_counter(field: forms.Field, *, keep_help: bool = False) -> None:
    """No maxlength attribute: the browser would cut a pasted text silently. A counter
    (static/js/form.js) shows the length, and the form refuses an over-long one, kept as typed."""
    limit = field.max_length
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-limit"] = limit
    field.widget.attrs["data-counter"] = _("%(count)s of %(limit)s characters")
    limit_label = number_format(limit, force_grouping=True)
    field.widget.attrs["data-limit-label"] = limit_label
    field.help_text = _("Up to %(limit)s characters.") % {"limit": limit_label}
    if keep_help:
        field.widget.attrs["data-keep-help"] = ""
    # A signer writes in any script, and the letter to edit may not be in the page's language: an
    # English letter on an Arabic page must not run right to left.
    field.widget.attrs["dir"] = "auto"


# A web address: what spam filters and officials' staff read as a campaign or a phishing attempt.
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _no_new_links(text: str, allowed_from: str) -> None:
    """Refuse web addresses in a signer's own words, except those already in the campaign's letter."""
    allowed = set(LINK.findall(allowed_from))
    if any(link not in allowed for link in LINK.findall(text)):
        raise forms.ValidationError(
            _("Please leave out web addresses: letters with links are often taken for spam."), code="link"
        )


def signer_text(value: str) -> str:
    """A signer's own lines for the letter: line breaks and tabs, no other control characters."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} and char not in "\n\t" for char in value):
        raise forms.ValidationError(_("Please remove the special characters from this text."), code="control")
    return value.translate(BIDI_CONTROLS).strip()


def single_line(value: str) -> str:
    """Names end up in email headers and sign-offs: one line of printable text, or a clear error."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise forms.ValidationError(_("Please write this on one line, without special characters."))
    return value.translate(BIDI_CONTROLS).strip()


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
