"""Reads for the organisers' campaign dashboard, and its charts drawn as plain SVG geometry.

Figures by country, by partner and by day come from one pass over the campaign's confirmed
signatures, grouped by (country, partner, day) with the day left empty outside the 30-day chart, so
the groups stay few; the hourly chart reads only the last 48 hours through the created_at
index. The whole dashboard is cached for a short while: organisers refresh it often, and a
million-row campaign's figures do not change meaningfully in half a minute.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, DateField, When
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django_countries import countries

from campaigns.models import Campaign
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.public import campaign_counters
from petitions.reporting.queue import QueueHealth, queue_health

DASHBOARD_CACHE_SECONDS = 30
DAYS = 30
HOURS = 48
TOP_COUNTRIES = 12
RECENT_FAILURES = 10


@dataclass
class Dashboard:
    signatures: int  # online; the charts and tables below are of these
    emails_sent: int
    goal: int | None
    goal_percent: int
    per_hour: list[tuple[datetime, int]]
    per_day: list[tuple[datetime, int]]
    by_country: list[tuple[str, int]]
    by_partner: list[tuple[str, str, int]]
    letters_by_status: list[tuple[str, str, int]]
    letters_total: int
    letters_done_percent: int
    backlog: int
    queue: QueueHealth | None = None
    recent_failures: list[Delivery] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)
    paper: int = 0  # collected on paper (petitions/paper/); not in the charts
    own_mail: int = 0  # presses of the own-mailbox buttons, counted apart from letters sent

    @property
    def total(self) -> int:
        return self.signatures + self.paper


def campaign_dashboard(campaign: Campaign, *, now: datetime | None = None, use_cache: bool = True) -> Dashboard:
    key = f"dashboard:{campaign.pk}"
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    dashboard = _build(campaign, now or timezone.now())
    cache.set(key, dashboard, DASHBOARD_CACHE_SECONDS)
    return dashboard


def _build(campaign: Campaign, now: datetime) -> Dashboard:
    counters = campaign_counters(campaign)
    countries_seen, sources, days = _one_pass(campaign, since=_day_start(now) - timedelta(days=DAYS - 1))
    partners = {partner.code: partner.name for partner in campaign.partners.all()}
    by_partner = [(partners.get(code, code) if code else "", code, n) for code, n in sources.items()]
    by_partner.sort(key=lambda row: (-row[2], row[1]))
    letters = dict(Delivery.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk")).order_by())
    letters_total = sum(letters.values())
    done = sum(letters.get(status, 0) for status in (DeliveryStatus.SENT, DeliveryStatus.DELIVERED))
    return Dashboard(
        signatures=counters.signatures,
        emails_sent=counters.emails_sent,
        goal=counters.goal,
        goal_percent=counters.progress_percent,
        per_hour=_per_hour(campaign, now),
        per_day=_fill(days, start=_day_start(now) - timedelta(days=DAYS - 1), step=timedelta(days=1), count=DAYS),
        by_country=[(str(countries.name(code)) or code, n) for code, n in countries_seen[:TOP_COUNTRIES]],
        by_partner=by_partner,
        letters_by_status=[(status, label, letters.get(status, 0)) for status, label in DeliveryStatus.choices],
        letters_total=letters_total,
        letters_done_percent=done * 100 // letters_total if letters_total else 0,
        backlog=letters.get(DeliveryStatus.QUEUED, 0) + letters.get(DeliveryStatus.SENDING, 0),
        queue=queue_health(Delivery.objects.filter(campaign=campaign), now=now),
        recent_failures=list(
            Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.FAILED)
            .select_related("target")
            .only("pk", "target__name", "target__title", "last_error", "attempts", "created_at")
            .order_by("-created_at")[:RECENT_FAILURES]
        ),
        generated_at=now,
        paper=counters.paper,
        own_mail=counters.own_mail,
    )


def _one_pass(campaign: Campaign, *, since: datetime):
    """(countries by count, {source: count}, {day: count}) in one scan of the campaign's rows.

    Countries and partners count every confirmed signature; days before `since` are not charted.
    Plain ORM, so the embedded setup's SQLite runs it too. On PostgreSQL it is one hash aggregate: at
    a million rows over 30 days about 0.5 s, where the GROUPING SETS query it replaced took 1.3 s."""
    day = Case(When(created_at__gte=since, then=TruncDate("created_at", tzinfo=UTC)), output_field=DateField())
    rows = (
        Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED)
        .order_by()
        .values_list("country", "source", day)
        .annotate(n=Count("pk"))
    )
    by_country: dict[str, int] = {}
    by_source: dict[str, int] = {}
    by_day: dict[datetime, int] = {}
    for country, source, when, n in rows:
        by_country[country] = by_country.get(country, 0) + n
        by_source[source] = by_source.get(source, 0) + n
        if when is not None:
            key = _midnight(when)
            by_day[key] = by_day.get(key, 0) + n
    return sorted(by_country.items(), key=lambda row: (-row[1], row[0])), by_source, by_day


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _per_hour(campaign: Campaign, now: datetime) -> list[tuple[datetime, int]]:
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    counts = dict(
        Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED, created_at__gte=start)
        .annotate(hour=TruncHour("created_at"))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _fill(counts, start=start, step=timedelta(hours=1), count=HOURS)


def _day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _fill(counts: dict, *, start: datetime, step: timedelta, count: int) -> list[tuple[datetime, int]]:
    return [(start + step * i, counts.get(start + step * i, 0)) for i in range(count)]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(points: list[tuple[datetime, int]], *, label_format: str, width: int = 720, height: int = 160) -> dict:
    """SVG geometry for a bar chart (the template draws it): no script, no external library."""
    peak = max((value for _, value in points), default=0) or 1
    slot = width / max(len(points), 1)
    bars = [
        Bar(
            x=round(i * slot + slot * 0.1, 1),
            y=round(height - value * height / peak, 1),
            width=round(slot * 0.8, 1),
            height=round(value * height / peak, 1),
            label=when.strftime(label_format),
            value=value,
        )
        for i, (when, value) in enumerate(points)
    ]
    return {"bars": bars, "width": width, "height": height, "peak": peak, "first": bars[0] if bars else None}
