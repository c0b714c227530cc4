"""Digest periods: the hour, or the day in the target's time zone, that a moment falls in."""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from campaigns.enums import DigestPeriod


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    zone: str

    def label(self) -> str:
        """How the letter names the period, in the target's time zone."""
        zone = zoneinfo.ZoneInfo(self.zone)
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        if end - start >= timedelta(days=1):
            return f"{start:%Y-%m-%d} ({self.zone})"
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} ({self.zone})"


def period_of(moment: datetime, *, period: str, zone_name: str) -> Period:
    """The hour, or the local calendar day of the target, that `moment` falls in."""
    zone = zoneinfo.ZoneInfo(zone_name)
    local = moment.astimezone(zone)
    if period == DigestPeriod.HOUR:
        start, length = local.replace(minute=0, second=0, microsecond=0), timedelta(hours=1)
    else:
        start, length = local.replace(hour=0, minute=0, second=0, microsecond=0), timedelta(days=1)
    # Aware arithmetic in one zone is wall-clock time: a day ends at the next local midnight, also
    # across a daylight-saving change.
    return Period(start=start.astimezone(UTC), end=(start + length).astimezone(UTC), zone=zone_name)
