"""Whether each language version of a campaign is up to date with the main language.

A translation keeps a copy of the main version's text as it was when the translation was last
saved (`MessageTemplate.translated_from`). Once the main text differs from that copy, the
translation is outdated, field by field, and the translator is shown what the main text was.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, MessageTemplate

FIELDS = (
    "page_title",
    "summary",
    "story",
    "letter_subject",
    "letter_body",
    "subject_alternatives",
    "body_alternatives",
)

MAIN, DONE, OUTDATED, MISSING = "main", "done", "outdated", "missing"
LABELS = {
    MAIN: _("main language"),
    DONE: _("up to date"),
    OUTDATED: _("outdated: the main language changed since"),
    MISSING: _("not translated"),
}


def snapshot(template: MessageTemplate) -> dict[str, str]:
    return {field: getattr(template, field) for field in FIELDS}


def changed_fields(template: MessageTemplate, main: MessageTemplate | None) -> list[str]:
    """The fields whose main text changed since `template` was translated."""
    if main is None or template.language == main.language:
        return []
    before = template.translated_from or {}
    return [field for field in FIELDS if before.get(field, getattr(main, field)) != getattr(main, field)]


def state(template: MessageTemplate, main: MessageTemplate | None) -> str:
    if main is not None and template.language == main.language:
        return MAIN
    return OUTDATED if changed_fields(template, main) else DONE


def record_translated(template: MessageTemplate) -> None:
    """`template` was just written by hand: it now matches the main language's text as it stands."""
    main = template.campaign.templates.filter(language=template.campaign.default_language).first()
    if main is None or main.pk == template.pk:
        return
    template.translated_from = snapshot(main)
    MessageTemplate.objects.filter(pk=template.pk).update(translated_from=template.translated_from)


@dataclass(frozen=True)
class LanguageState:
    language: str
    name: str
    state: str
    label: str
    template: MessageTemplate | None


def campaign_states(campaign: Campaign) -> list[LanguageState]:
    """Every interface language, main first: its version's state, or missing."""
    templates = {template.language: template for template in campaign.templates.all()}
    main = templates.get(campaign.default_language)
    rows = []
    for code, name in settings.LANGUAGES:
        template = templates.get(code)
        current = state(template, main) if template else MISSING
        rows.append(LanguageState(code, str(name), current, str(LABELS[current]), template))
    return sorted(rows, key=lambda row: row.state != MAIN)
