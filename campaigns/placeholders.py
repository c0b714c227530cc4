"""The letter placeholders organisers may use, and the one formatter allowed to fill them.

Organiser text never reaches the Django template engine or str.format with real objects: it is
parsed with string.Formatter, every field is checked against the allow-list, and only plain strings
are substituted. "{signer_name.__class__}" or "{0}" or "{signer_name:>999999}" is an error, not code.
"""

import re
import string
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# name -> what it stands for (shown to organisers beside the letter)
PLACEHOLDERS: dict[str, str] = {
    "signer_name": _("First and last name of the signer"),
    "signer_first_name": _("First name of the signer"),
    "signer_last_name": _("Last name of the signer"),
    "signer_country": _("Country of the signer, in the letter's language"),
    "signer_city": _("City of the signer (may be empty)"),
    "signer_organisation": _("Organisation or union of the signer (may be empty)"),
    "signer_message": _("The signer's personal message (may be empty)"),
    "signer_signoff": _("The name of the signer, and under it their organisation, city and country"),
    "target_name": _("Name of the person the letter goes to"),
    "target_title": _("Title or role of that person"),
    "campaign_title": _("Title of the campaign page"),
}

SAMPLE_VALUES: dict[str, str] = {
    "signer_name": "Jane Doe",
    "signer_first_name": "Jane",
    "signer_last_name": "Doe",
    "signer_country": "United Kingdom",
    "signer_city": "Leeds",
    "signer_organisation": "Unite the Union",
    "signer_message": "Freedom of association is not a crime.",
    "signer_signoff": "Jane Doe\nUnite the Union, Leeds, United Kingdom",
    "target_name": "Head of the Presidential Administration",
    "target_title": "Presidential Administration",
    "campaign_title": "Campaign title",
}

# How the public page shows the letter before anyone signs: the signer's parts as bracketed hints.
PREVIEW_HINTS: dict[str, str] = {
    "signer_name": _("[your name]"),
    "signer_first_name": _("[your first name]"),
    "signer_last_name": _("[your last name]"),
    "signer_country": _("[your country]"),
    "signer_city": _("[your city]"),
    "signer_organisation": _("[your organisation]"),
    "signer_message": _("[your personal message, if you add one]"),
    "signer_signoff": _("[your name]\n[your organisation, city and country]"),
}

_formatter = string.Formatter()


def _parse(text: str) -> list[tuple[str, str | None]]:
    """Split text into (literal, field) pairs; raise ValidationError on any malformed field."""
    try:
        parts = list(_formatter.parse(text))
    except ValueError as exc:
        raise ValidationError(
            _("The text has an unmatched brace: write {{ or }} for a literal brace (%(error)s).") % {"error": exc},
            code="braces",
        ) from exc
    pieces = []
    for literal, field, spec, conversion in parts:
        if field is not None and (spec or conversion):
            raise ValidationError(
                _("Placeholder {%(field)s} may not carry a format or conversion."),
                params={"field": field},
                code="format",
            )
        pieces.append((literal, field))
    return pieces


def validate_placeholders(text: str) -> None:
    """Raise ValidationError naming every placeholder that is not on the allow-list."""
    unknown = sorted({field for _, field in _parse(text) if field is not None and field not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(unknown)s. Allowed: %(allowed)s."),
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Substitute allow-listed placeholders with plain strings; text was validated when saved."""
    out = []
    for literal, field in _parse(text):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")) if field in PLACEHOLDERS else "")
    return "".join(out)


# A signer's own letter (Campaign.signer_voice "edit") is their text, never parsed as a format
# string: only an exact {name} of the allow-list is filled, every other brace stays as typed.
_SIGNER_FIELD = re.compile(r"\{([a-z_]+)\}")
# The placeholders an edited letter must keep where the organiser's letter has them: without them
# the letter would reach nobody by name or be signed by nobody.
KEPT_IN_OWN_LETTER = ("target_name", "signer_name", "signer_signoff")


def fill_signer_text(text: str, values: Mapping[str, str]) -> str:
    """Substitute allow-listed {placeholders} in a signer's own text; everything else is kept."""
    return _SIGNER_FIELD.sub(
        lambda match: str(values.get(match[1], "")) if match[1] in PLACEHOLDERS else match[0], text
    )


def placeholders_in(text: str) -> set[str]:
    """The allow-listed placeholders a signer's own text holds."""
    return {name for name in _SIGNER_FIELD.findall(text) if name in PLACEHOLDERS}


def as_signer_text(text: str) -> str:
    """Organiser text as a signer edits it: placeholders as {name}, doubled braces as one."""
    out = []
    for literal, field in _parse(text):
        out.append(literal)  # string.Formatter has already made "{{" one brace
        if field is not None:
            out.append(f"{{{field}}}")
    return "".join(out)
