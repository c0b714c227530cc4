"""The responses a campaign page shows: only what an organiser published, in their words.

The same for every visitor (the page is shared-cached), and cached briefly itself: every page view
reads it, and a response published a minute late harms no one.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from campaigns.models import Campaign
from petitions.models import Response

PUBLISHED_CACHE_SECONDS = 30


@dataclass(frozen=True)
class PublishedResponse:
    target_name: str
    published_on: date
    text: str


def cache_key(campaign_id: int) -> str:
    return f"published-responses:{campaign_id}"


def published_responses(campaign: Campaign) -> list[PublishedResponse]:
    key = cache_key(campaign.pk)
    rows = cache.get(key)
    if rows is None:
        published = Response.objects.filter(campaign_id=campaign.pk, published_on__isnull=False).exclude(public_text="")
        rows = list(
            published.order_by("-published_on", "-pk").values_list("target__name", "published_on", "public_text")
        )
        cache.set(key, rows, PUBLISHED_CACHE_SECONDS)
    return [PublishedResponse(target_name=name, published_on=day, text=text) for name, day, text in rows]


def forget_published(campaign_id: int) -> None:
    """After an organiser publishes or withdraws one: the page shows it at its next render."""
    cache.delete(cache_key(campaign_id))
