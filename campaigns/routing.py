"""Whom one signer writes to: every target, the targets for their country, or those they chose.

One rule for the signing path (petitions/delivery/queueing.py), the campaign page that shows a
signer whom they will write to, and the counts per target. A signer whom no target fits writes to
the campaign's default targets, and to every target when none is marked default, so that no
signature is ever without a letter.
"""

from collections.abc import Iterable, Sequence

from campaigns.enums import TargetRouting
from campaigns.models import Campaign, Target


def targets_for(
    campaign: Campaign, targets: Sequence[Target], *, country: str = "", chosen: Iterable[int] = ()
) -> list[Target]:
    """The targets among `targets` (the campaign's, already filtered for being active) that this
    signer writes to, in the campaign's order."""
    if campaign.target_routing == TargetRouting.COUNTRY:
        matched = [target for target in targets if country and country in _codes(target)]
    elif campaign.target_routing == TargetRouting.CHOICE:
        wanted = {int(pk) for pk in chosen}
        matched = [target for target in targets if target.pk in wanted][: campaign.target_choice_limit]
    else:
        return list(targets)
    return matched or default_targets(targets)


def default_targets(targets: Sequence[Target]) -> list[Target]:
    """Whom a signer no target fits writes to: the default targets, else every target."""
    return [target for target in targets if target.is_default] or list(targets)


def by_country(campaign: Campaign, targets: Sequence[Target]) -> dict[str, list[Target]]:
    """Country code -> its targets, for every country some target is for ("" -> the defaults)."""
    codes = sorted({code for target in targets for code in _codes(target)})
    table = {code: targets_for(campaign, targets, country=code) for code in codes}
    table[""] = default_targets(targets)
    return table


def _codes(target: Target) -> set[str]:
    return {str(country.code if hasattr(country, "code") else country) for country in target.countries}
