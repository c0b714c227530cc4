"""Whom one signer writes to: every target, the targets for their country or postcode, or those
they chose.

One rule for the signing path (petitions/delivery/queueing.py), the campaign page that shows a
signer whom they will write to, and the counts per target. A signer whom no target fits writes to
the campaign's default targets, and to every target when none is marked default, so that no
signature is ever without a letter.
"""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext

from campaigns.enums import TargetRouting
from campaigns.models import Campaign, Target


def targets_for(
    campaign: Campaign,
    targets: Sequence[Target],
    *,
    country: str = "",
    chosen: Iterable[int] = (),
    postcode: str = "",
) -> list[Target]:
    """The targets among `targets` (the campaign's, already filtered for being active) that this
    signer writes to, in the campaign's order."""
    if campaign.target_routing == TargetRouting.COUNTRY:
        matched = [target for target in targets if country and country in country_codes(target)]
    elif campaign.target_routing == TargetRouting.POSTCODE:
        matched = by_postcode(targets, country=country, postcode=postcode)
    elif campaign.target_routing == TargetRouting.CHOICE:
        wanted = {int(pk) for pk in chosen}
        matched = [target for target in targets if target.pk in wanted][: campaign.target_choice_limit]
    else:
        return list(targets)
    return matched or default_targets(targets)


def normalised_postcode(text: str) -> str:
    """ "sw1a 1aa" and "SW1A-1AA" alike: upper case, without spaces, dashes or dots."""
    return "".join(char for char in text.upper() if char.isalnum())


def postcode_prefixes(target: Target) -> list[str]:
    return [normalised_postcode(part) for part in target.postcodes.replace(",", " ").split() if part.strip(" ,")]


def by_postcode(targets: Sequence[Target], *, country: str, postcode: str) -> list[Target]:
    """The targets whose postcode beginning fits the signer's best: "SW1A" wins over "SW" (one
    constituency over its city). A target with countries applies to signers in them only."""
    code = normalised_postcode(postcode)
    if not code:
        return []
    fits: dict[int, int] = {}
    for target in targets:
        if target.countries and country not in country_codes(target):
            continue
        longest = max((len(prefix) for prefix in postcode_prefixes(target) if code.startswith(prefix)), default=0)
        if longest:
            fits[target.pk] = longest
    best = max(fits.values(), default=0)
    return [target for target in targets if best and fits.get(target.pk) == best]


def default_targets(targets: Sequence[Target]) -> list[Target]:
    """Whom a signer no target fits writes to: the default targets, else every target."""
    return [target for target in targets if target.is_default] or list(targets)


def by_country(campaign: Campaign, targets: Sequence[Target]) -> dict[str, list[Target]]:
    """Country code -> its targets, for every country some target is for ("" -> the defaults)."""
    codes = sorted({code for target in targets for code in country_codes(target)})
    table = {code: targets_for(campaign, targets, country=code) for code in codes}
    table[""] = default_targets(targets)
    return table


def country_codes(target: Target) -> set[str]:
    return {str(country.code if hasattr(country, "code") else country) for country in target.countries}


def for_whom(campaign: Campaign, target: Target) -> str:
    """Whom a target is for, in the active language ("for signers in Germany; and everyone else"),
    as the campaign page and the own-mailbox letters say it; "" where every signer writes to it."""
    parts = []
    if campaign.target_routing == TargetRouting.COUNTRY and target.countries:
        names = ", ".join(str(country.name) for country in target.countries)
        parts.append(gettext("for signers in %(countries)s") % {"countries": names})
    elif campaign.target_routing == TargetRouting.POSTCODE and postcode_prefixes(target):
        postcodes = " ".join(postcode_prefixes(target))
        parts.append(gettext("for postcodes starting %(postcodes)s") % {"postcodes": postcodes})
    if target.is_default and campaign.target_routing != TargetRouting.EVERY:
        parts.append(gettext("and everyone else") if parts else gettext("for everyone whom no other target fits"))
    return "; ".join(parts)
