"""What a campaign still needs before it can go live, and what would make it better.

The checklist of the campaign's overview page, and the rule Publish obeys wherever it is pressed:
a live campaign without a letter in its main language, or without anyone to write to, would take
signatures and send nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import TargetRouting
from campaigns.models import Campaign
from campaigns.placeholders import validate_placeholders


@dataclass(frozen=True)
class Step:
    text: str
    done: bool
    required: bool  # a required step not done stops Publish; the others are advice


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def steps(campaign: Campaign) -> list[Step]:
    templates = {template.language: template for template in campaign.templates.all()}
    targets = list(campaign.targets.all())
    active = [target for target in targets if target.is_active]
    main = language_name(campaign.default_language)
    checks = [
        Step(
            _("A page and letter in the main language, %(language)s.") % {"language": main},
            campaign.default_language in templates,
            required=True,
        ),
        Step(_("At least one active target to write to."), bool(active), required=True),
    ]
    for template in templates.values():
        for field in ("letter_subject", "letter_body"):
            try:
                validate_placeholders(getattr(template, field))
            except ValidationError as exc:
                checks.append(
                    Step(
                        _("The %(language)s letter: %(error)s")
                        % {"language": language_name(template.language), "error": " ".join(exc.messages)},
                        False,
                        required=True,
                    )
                )
    if campaign.ends_at and campaign.ends_at <= timezone.now():
        checks.append(Step(_("The closing date is in the past: move it or empty it."), False, required=True))
    for language in sorted({target.language for target in active if target.language} - set(templates)):
        checks.append(
            Step(
                _("No %(language)s version yet: targets who read %(language)s get the %(main)s letter.")
                % {"language": language_name(language), "main": main},
                False,
                required=False,
            )
        )
    if campaign.target_routing != TargetRouting.EVERY and active:
        checks.append(
            Step(
                _("A default target for signers whom no other target fits (else they write to every target)."),
                any(target.is_default for target in active),
                required=False,
            )
        )
    if campaign.target_routing == TargetRouting.COUNTRY and active:
        checks.append(
            Step(
                _('Targets with the countries whose signers write to them (each target\'s "for signers in").'),
                any(target.countries for target in active),
                required=False,
            )
        )
    if campaign.target_routing == TargetRouting.POSTCODE and active:
        checks.append(
            Step(
                _('Targets with the postcodes or regions they are for (each target\'s "for postcodes or regions").'),
                any(target.postcodes.strip() for target in active),
                required=False,
            )
        )
    checks += [
        Step(_("A goal, so the page shows the progress towards it."), campaign.goal is not None, required=False),
        Step(_("A text for sharing, used by the share buttons."), bool(campaign.share_text), required=False),
        Step(_("An image for the page and for links shared on social media."), bool(campaign.image), required=False),
    ]
    return checks


def missing_before_live(campaign: Campaign) -> list[str]:
    """The required steps not done yet; empty when the campaign may go live."""
    return [step.text for step in steps(campaign) if step.required and not step.done]
