"""The figures of the big-screen display (/c/<slug>/display/), as its script polls them.

Only what the campaign page already shows anyone: the counters, the first names and countries of
signers who chose to be shown, and the countries with enough signers to name. Each part comes from
its own cached read, so a display polling every few seconds costs a few cache lookups.
"""

from campaigns.models import Campaign
from petitions.reporting.countries import country_counts
from petitions.reporting.public import campaign_counters, recent_signers

DISPLAY_COUNTRIES = 5


def display_figures(campaign: Campaign) -> dict:
    """display.json's body, with country names in the active language. Fields are only ever added."""
    counters = campaign_counters(campaign)
    countries = country_counts(campaign, top=DISPLAY_COUNTRIES)
    return {
        **counters.as_json(),
        "progress_percent": counters.progress_percent,
        "goal_reached": counters.goal_reached,
        "phase": str(campaign.phase()),
        "recent": [
            {"first_name": signer.first_name, "country": str(signer.country.name) if signer.country else ""}
            for signer in recent_signers(campaign)
        ],
        "countries": [{"country": str(row.country.name), "signers": row.signers} for row in countries.countries],
        "other_countries": countries.other,
    }
