"""Reads for public pages: counters whose cost does not grow with the number of signatures."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from campaigns.models import Campaign
from campaigns.selectors import campaign_page
from petitions.models import CounterShard


@dataclass(frozen=True)
class Counters:
    signatures: int
    emails_sent: int
    goal: int | None

    @property
    def progress_percent(self) -> int:
        if not self.goal:
            return 0
        return min(100, self.signatures * 100 // self.goal)

    def as_json(self) -> dict:
        return {"signatures": self.signatures, "emails_sent": self.emails_sent, "goal": self.goal}


def public_counters(slug: str, language: str) -> dict | None:
    """counter.json's body for a published campaign, cached whole: the hottest read of a viral campaign
    (every open page polls it) costs one small cache lookup."""
    key = f"public-counters:{slug}"
    body = cache.get(key)
    if body is None:
        page = campaign_page(slug, language)
        if page is None:
            return None
        body = campaign_counters(page.campaign).as_json()
        cache.set(key, body, settings.COUNTER_CACHE_SECONDS)
    return body


def campaign_counters(campaign: Campaign) -> Counters:
    """Sum of the campaign's counter shards (a fixed number of rows), cached for a second or two."""
    key = f"counters:{campaign.pk}"
    totals = cache.get(key)
    if totals is None:
        totals = CounterShard.objects.filter(campaign_id=campaign.pk).aggregate(
            signatures=Sum("signatures", default=0), emails_sent=Sum("emails_sent", default=0)
        )
        cache.set(key, totals, settings.COUNTER_CACHE_SECONDS)
    return Counters(signatures=totals["signatures"], emails_sent=totals["emails_sent"], goal=campaign.goal)
