"""The public list of campaigns, each in the visitor's language where it has a translation.

The home page and the error pages (a link cut short in a messenger app lands on a 404) both show it;
the public API lists it with the closed campaigns too (petitions/api/).
"""

from dataclasses import dataclass

from campaigns.models import Campaign, MessageTemplate
from campaigns.selectors import public_campaigns, template_for


@dataclass(frozen=True)
class ListedCampaign:
    campaign: Campaign
    template: MessageTemplate | None  # in the visitor's language, else the campaign's default

    @property
    def title(self) -> str:
        return self.template.page_title if self.template else self.campaign.name

    @property
    def summary(self) -> str:
        return self.template.summary if self.template else ""

    @property
    def language(self) -> str:
        return self.template.language if self.template else self.campaign.default_language


def listed_campaigns(language: str, limit: int | None = None, *, closed: bool = False) -> list[ListedCampaign]:
    """Each in `language`, else its main language (an empty `language`: each in its main one)."""
    campaigns = public_campaigns(closed=closed).prefetch_related("templates")
    if limit is not None:
        campaigns = campaigns[:limit]
    return [ListedCampaign(campaign, template_for(campaign, language)) for campaign in campaigns]
