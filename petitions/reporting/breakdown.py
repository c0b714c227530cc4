"""A campaign's figures broken down for the public API: by country, by partner and by day.

Nothing is counted here. The counters, the countries (with their at-risk rule) and the organisers'
dashboard (by partner, by day, letters by status) each keep their own cached counts; this only
applies one rule to every breakdown. Where signers may be at risk, a group of fewer than
AT_RISK_MIN_SIGNERS signers is never shown: "2 signed through X on Monday" can point at people.
"""

from dataclasses import dataclass
from datetime import date

from campaigns.models import Campaign
from petitions.enums import DeliveryStatus
from petitions.reporting.countries import AT_RISK_MIN_SIGNERS, CountryCounts, country_counts
from petitions.reporting.dashboard import campaign_dashboard
from petitions.reporting.public import Counters, campaign_counters

ALL_COUNTRIES = 300  # more than there are: every country that meets the threshold is named


@dataclass(frozen=True)
class PartnerCount:
    code: str
    name: str
    signatures: int


@dataclass(frozen=True)
class DayCount:
    day: date
    signatures: int | None  # None: fewer than the at-risk minimum, not shown


@dataclass(frozen=True)
class Breakdown:
    counters: Counters
    delivered: int  # letters the target's mail server confirmed (where the provider reports it)
    countries: CountryCounts
    partners: tuple[PartnerCount, ...]  # most signatures first
    other_partners: int  # online signatures through no partner listed here, or too few to show
    days: tuple[DayCount, ...]  # the last 30 days, UTC, oldest first
    hidden_below: int | None  # the at-risk minimum, when it applies


def campaign_breakdown(campaign: Campaign) -> Breakdown:
    """The public breakdown of `campaign`, from reads that are each cached where they are made."""
    at_risk = campaign.signers_at_risk
    minimum = AT_RISK_MIN_SIGNERS if at_risk else 0
    dashboard = campaign_dashboard(campaign)
    names = {partner.code: partner.name for partner in campaign.partners.all()}
    through = {code: signatures for _, code, signatures in dashboard.by_partner}
    partners, other = [], sum(n for code, n in through.items() if code not in names)
    for code, name in names.items():
        signatures = through.get(code, 0)
        if signatures >= minimum:
            partners.append(PartnerCount(code=code, name=name, signatures=signatures))
        else:
            other += signatures
    partners.sort(key=lambda row: (-row.signatures, row.name))
    delivered = sum(n for status, _, n in dashboard.letters_by_status if status == DeliveryStatus.DELIVERED)
    return Breakdown(
        counters=campaign_counters(campaign),
        delivered=delivered,
        countries=country_counts(campaign, top=ALL_COUNTRIES),
        partners=tuple(partners),
        other_partners=other,
        days=tuple(DayCount(day=when.date(), signatures=n if n >= minimum else None) for when, n in dashboard.per_day),
        hidden_below=AT_RISK_MIN_SIGNERS if at_risk else None,
    )
