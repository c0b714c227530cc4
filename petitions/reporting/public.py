"""Reads for public pages: counters whose cost does not grow with the number of signatures."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django_countries.fields import Country

from campaigns.models import Campaign, Partner
from campaigns.selectors import campaign_page
from petitions.enums import SignatureStatus
from petitions.models import CounterShard, Signature
from petitions.reporting.goals import current_goal

RECENT_SIGNERS = 8
RECENT_SIGNERS_CACHE_SECONDS = 30


@dataclass(frozen=True)
class Counters:
    """A campaign's public figures. `signatures` are the online ones (what it always meant: each
    sent letters); `paper` those collected on paper; the goal and progress count both (`total`)."""

    signatures: int
    emails_sent: int
    goal: int | None  # the goal now: the organiser's, or the next step once theirs is reached
    goal_reached: int | None = None  # the organiser's goal, once the total has reached it
    paper: int = 0
    own_mail: int = 0  # letters signers sent from their own mailboxes, counted on the click: never in emails_sent

    @property
    def total(self) -> int:
        return self.signatures + self.paper

    @property
    def progress_percent(self) -> int:
        if not self.goal:
            return 0
        return min(100, self.total * 100 // self.goal)

    def as_json(self) -> dict:
        """counter.json. Fields are only ever added: "signatures" stays the online count, so an
        older embed or script reading it sees what it always saw."""
        return {
            "signatures": self.signatures,
            "paper": self.paper,
            "total": self.total,
            "emails_sent": self.emails_sent,
            "goal": self.goal,
            "own_mail": self.own_mail,
        }


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
            signatures=Sum("signatures", default=0),
            emails_sent=Sum("emails_sent", default=0),
            paper=Sum("paper", default=0),
            own_mail=Sum("own_mail", default=0),
        )
        cache.set(key, totals, settings.COUNTER_CACHE_SECONDS)
    total = totals["signatures"] + totals["paper"]
    reached = bool(campaign.goal) and total >= campaign.goal
    return Counters(
        signatures=totals["signatures"],
        emails_sent=totals["emails_sent"],
        goal=current_goal(campaign.goal, total),
        goal_reached=campaign.goal if reached else None,
        paper=totals["paper"],
        own_mail=totals["own_mail"],
    )


def forget_counters(campaign: Campaign) -> None:
    """Drop the cached figures, so that an organiser's paper count shows on the page at once."""
    cache.delete_many([f"counters:{campaign.pk}", f"public-counters:{campaign.slug}"])


def signatures_through(partner: Partner) -> int:
    """Confirmed signatures that came through a partner's link: the partner's own count."""
    return Signature.objects.filter(
        campaign_id=partner.campaign_id, source=partner.code, status=SignatureStatus.CONFIRMED
    ).count()


@dataclass(frozen=True)
class RecentSigner:
    first_name: str
    country: Country  # its .name is in the language active when the page renders


def recent_signers(campaign: Campaign, limit: int = RECENT_SIGNERS) -> list[RecentSigner]:
    """First name and country of the latest counted signers who chose to be shown, and nothing
    more. Cached briefly: every page view reads it, and a few seconds' delay harms no one."""
    key = f"recent-signers:{campaign.pk}:{limit}"
    rows = cache.get(key)
    if rows is None:
        rows = list(
            Signature.objects.filter(campaign_id=campaign.pk, status=SignatureStatus.CONFIRMED, show_name_publicly=True)
            .order_by("-created_at")
            .values_list("first_name", "country")[:limit]
        )
        cache.set(key, rows, RECENT_SIGNERS_CACHE_SECONDS)
    return [RecentSigner(first_name=first_name, country=Country(code=country)) for first_name, country in rows]
