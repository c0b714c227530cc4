import pytest
from django.core.exceptions import ValidationError

from campaigns.placeholders import (
    PLACEHOLDERS,
    as_signer_text,
    fill_placeholders,
    fill_signer_text,
    placeholders_in,
    validate_placeholders,
)

pytestmark = pytest.mark.unit


def test_fill_placeholders_substitutes_allowed_names():
    text = "Dear {target_name}, from {signer_name} ({signer_country})."

    filled = fill_placeholders(text, {"target_name": "Sir", "signer_name": "Bob", "signer_country": "Chile"})

    assert filled == "Dear Sir, from Bob (Chile)."


def test_fill_placeholders_keeps_doubled_braces_literal():
    assert fill_placeholders("{{not a field}} {signer_name}", {"signer_name": "Bob"}) == "{not a field} Bob"


def test_fill_placeholders_never_evaluates_signer_text():
    filled = fill_placeholders("{signer_message}", {"signer_message": "{signer_name.__class__} {{x}}"})

    assert filled == "{signer_name.__class__} {{x}}"


@pytest.mark.parametrize(
    "text",
    ["Hello {signer_nmae}", "{0}", "{}", "{signer_name.__class__.__mro__}", "{signer_name[0]}"],
)
def test_validate_placeholders_rejects_unknown_names(text):
    with pytest.raises(ValidationError) as error:
        validate_placeholders(text)

    assert "Unknown placeholder" in str(error.value)


def test_validate_placeholders_names_the_unknown_one():
    with pytest.raises(ValidationError) as error:
        validate_placeholders("Dear {target_name}, {signer_nmae}")

    assert "{signer_nmae}" in error.value.messages[0]
    assert "{target_name}" not in error.value.messages[0].split("Allowed")[0]


@pytest.mark.parametrize("text", ["{signer_name:>99999}", "{signer_name!r}"])
def test_validate_placeholders_rejects_format_specs_and_conversions(text):
    with pytest.raises(ValidationError, match="format or conversion"):
        validate_placeholders(text)


@pytest.mark.parametrize("text", ["Unclosed {signer_name", "stray } brace"])
def test_validate_placeholders_rejects_unmatched_braces(text):
    with pytest.raises(ValidationError, match="brace"):
        validate_placeholders(text)


def test_validate_placeholders_accepts_every_allowed_name():
    validate_placeholders(" ".join(f"{{{name}}}" for name in PLACEHOLDERS))


def test_a_signers_text_fills_only_exact_allowed_placeholders():
    text = "Dear {target_name}, {signer_name.__class__} {0} {unknown} {{target_name}} { target_name } {"

    filled = fill_signer_text(text, {"target_name": "Sir"})

    assert filled == "Dear Sir, {signer_name.__class__} {0} {unknown} {Sir} { target_name } {"
    assert placeholders_in(text) == {"target_name"}


def test_organiser_text_is_given_to_signers_with_its_placeholders_and_single_braces():
    assert as_signer_text("Dear {target_name}, {{braces}}\n{signer_signoff}") == (
        "Dear {target_name}, {braces}\n{signer_signoff}"
    )
