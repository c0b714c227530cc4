"""Signatures by country for public pages: counted once a minute, never per view.

Counted are the signatures the public counter counts (confirmed online ones) and paper signers
imported with their country. Paper counts entered as a number have no country and are left out,
so the countries add up to at most the total.

A campaign whose signers may be at risk never shows a country with fewer than
AT_RISK_MIN_SIGNERS signers: "1 signer from X" can point at one person, so such countries are
folded into "other countries" (docs/organisers/display.md).
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django_countries.fields import Country

from campaigns.models import Campaign
from petitions.enums import SignatureStatus
from petitions.models import Signature

COUNTRIES_CACHE_SECONDS = 60
RECOUNT_CLAIM_SECONDS = 30  # a recount that died is claimed again after this
KEPT_SECONDS = 3600  # how long older figures may stand in while one reader counts afresh
TOP_COUNTRIES = 8
AT_RISK_MIN_SIGNERS = 5
COUNTED_STATUSES = (SignatureStatus.CONFIRMED, SignatureStatus.PAPER)


@dataclass(frozen=True)
class CountryCount:
    country: Country  # its .name is in the language active when the page renders
    signers: int


@dataclass(frozen=True)
class CountryCounts:
    countries: tuple[CountryCount, ...]  # most signers first
    other: int  # signers of the countries not named: past the top ones, or too few to show

    @property
    def total(self) -> int:
        return sum(row.signers for row in self.countries) + self.other

    @property
    def largest(self) -> int:
        return max([row.signers for row in self.countries] + [self.other], default=0)

    def __bool__(self) -> bool:
        return self.total > 0


def signers_by_country(campaign: Campaign) -> dict[str, int]:
    """{country code: signers}, from one grouped count over the campaign's signature index, kept in
    the shared cache: a viral campaign's page costs one lookup. Once the figures are
    COUNTRIES_CACHE_SECONDS old, the first reader to claim the recount does it and the others keep
    the previous figures meanwhile, so that a minute's expiry never sends every process to count at once."""
    key = f"signers-by-country:{campaign.pk}"
    kept = cache.get(key)  # (fresh until, counts)
    if kept is not None and (kept[0] > time.time() or not cache.add(f"{key}:counting", 1, RECOUNT_CLAIM_SECONDS)):
        return kept[1]
    rows = (
        Signature.objects.filter(campaign_id=campaign.pk, status__in=COUNTED_STATUSES)
        .exclude(country="")
        .values_list("country")
        .annotate(signers=Count("pk"))
        .order_by()
    )
    counts = dict(rows)
    cache.set(key, (time.time() + COUNTRIES_CACHE_SECONDS, counts), KEPT_SECONDS)
    cache.delete(f"{key}:counting")
    return counts


def country_counts(campaign: Campaign, top: int = TOP_COUNTRIES) -> CountryCounts:
    """The `top` countries with the most signers (ties in the order of their names in the active
    language), the rest as "other countries"; below the threshold of an at-risk campaign, always the rest."""
    minimum = AT_RISK_MIN_SIGNERS if campaign.signers_at_risk else 1
    shown, other = [], 0
    rows = [CountryCount(country=Country(code=code), signers=n) for code, n in signers_by_country(campaign).items()]
    for row in sorted(rows, key=lambda row: (-row.signers, str(row.country.name))):
        if row.signers >= minimum and len(shown) < top:
            shown.append(row)
        else:
            other += row.signers
    return CountryCounts(countries=tuple(shown), other=other)
