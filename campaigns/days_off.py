"""Which days a target gets no letters: its country's public holidays and the organiser's own dates.

The public holidays come from the `holidays` library, for the country (and, optionally, the
subdivision: a state, a region) chosen on the target. Building a country's calendar takes the
library a while, and pacing asks about every candidate day of every paced target, so each
(country, subdivision, year) is built once per process.
"""

import functools
import logging
from datetime import date, timedelta

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import Countries

logger = logging.getLogger(__name__)

AHEAD = timedelta(days=365)  # how far the admin lists the coming public holidays


@functools.cache
def subdivisions_by_country() -> dict[str, tuple[str, ...]]:
    """The countries the library knows (ISO 3166-1 alpha-2 codes), each with its subdivisions' codes."""
    return {
        code: tuple(subdivisions)
        for code, subdivisions in holidays.list_supported_countries(include_aliases=False).items()
    }


class CalendarCountries(Countries):
    """django-countries' names, translated and sorted its way, with Kosovo, which it leaves out and
    the library has a calendar for."""

    override = {"XK": gettext_lazy("Kosovo")}


CALENDAR_COUNTRIES = CalendarCountries()


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country with a holiday calendar, named and sorted in the active language."""
    supported = subdivisions_by_country()
    return [(code, name) for code, name in CALENDAR_COUNTRIES if code in supported]


def country_name(code: str) -> str:
    return str(CALENDAR_COUNTRIES.name(code)) or code


@functools.cache
def _entity(country: str) -> type[holidays.HolidayBase]:
    """The library's class for a country: its subdivisions, their names, its languages."""
    return type(holidays.country_holidays(country))


@functools.cache
def subdivision_names(country: str) -> dict[str, str]:
    """A country's subdivision codes, each with its name where the library gives one ("CA":
    "California"), else an empty name."""
    if country not in subdivisions_by_country():
        return {}
    aliases = _entity(country).get_subdivision_aliases()
    # The longest alias is the full name: "971" is "GP", "GUA" and "Guadeloupe".
    return {code: max(aliases.get(code) or [""], key=len) for code in subdivisions_by_country()[country]}


def subdivision_label(country: str, code: str) -> str:
    name = subdivision_names(country).get(code)
    return f"{code} ({name})" if name else code


def clean_subdivision(country: str, value: str) -> str:
    """The subdivision's code as the library spells it, from its code or name in any case; empty
    stays empty. Raises ValidationError naming the country's subdivisions when it has no such one."""
    value = value.strip()
    if not value:
        return ""
    if not country:
        raise ValidationError(_("Choose the country first: a state or region belongs to a country."))
    if country not in subdivisions_by_country():
        return value  # the country itself is refused
    names = subdivision_names(country)
    folded = value.casefold()
    for code in names:
        if folded == code.casefold():
            return code
    for code, aliases in _entity(country).get_subdivision_aliases().items():
        if folded in (alias.casefold() for alias in aliases):
            return code
    if not names:
        raise ValidationError(
            _("%(country)s has no states or regions with holidays of their own: leave this empty."),
            params={"country": country_name(country)},
        )
    raise ValidationError(
        _("%(value)s is not a state or region of %(country)s. Choose one of: %(choices)s."),
        params={
            "value": value,
            "country": country_name(country),
            "choices": ", ".join(subdivision_label(country, code) for code in names),
        },
    )


@functools.lru_cache(maxsize=2048)
def _calendar(country: str, subdivision: str, year: int, language: str | None) -> dict[date, str]:
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year, language=language)
    except NotImplementedError:  # a code saved earlier that this version of the library does not know
        if subdivision:
            logger.warning("No holiday calendar for %s in %s: the country's holidays only", subdivision, country)
            return _calendar(country, "", year, language)
        logger.warning("No holiday calendar for %s: no public holidays skipped", country)
        return {}
    return dict(calendar)


def _default_language(country: str) -> str | None:
    return _entity(country).default_language if country in subdivisions_by_country() else None


@functools.lru_cache(maxsize=2048)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The public holidays of a country (or of one of its subdivisions) in a year."""
    return frozenset(_calendar(country, subdivision, year, _default_language(country)))


def own_dates(target) -> frozenset[str]:
    """The dates the organiser added, as ISO strings."""
    return frozenset(str(value) for value in target.skip_dates or [])


def is_day_off(target, day: date) -> bool:
    """Whether `day`, a date in the target's own time zone, is a public holiday of its country or
    one of the organiser's dates: then the target gets no letters that day."""
    if target.holiday_country and day in public_holidays(target.holiday_country, target.holiday_subdivision, day.year):
        return True
    return day.isoformat() in own_dates(target)


def library_language(country: str, language: str) -> str | None:
    """The library's translation of a country's holiday names closest to `language` (a Django
    language code), else English, else the country's own language (never the one the library
    would guess from the process's environment)."""
    entity = _entity(country)
    for wanted in (language, "en"):
        if wanted in entity.supported_languages:
            return wanted
        regional = [code for code in entity.supported_languages if code.startswith(f"{wanted}_")]
        if regional:
            return "en_US" if "en_US" in regional else regional[0]
    return entity.default_language


def coming_holidays(country: str, subdivision: str, start: date, language: str) -> list[tuple[date, date, str]]:
    """The public holidays from `start` for the next twelve months, with their names in `language`
    where the library has them: (first day, last day, name), a holiday of several days in a row
    (Novruz, five days) as one."""
    end = start + AHEAD
    wanted = library_language(country, language)
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days |= _calendar(country, subdivision, year, wanted)
    spans: list[tuple[date, date, str]] = []
    for day, name in sorted((day, name) for day, name in days.items() if start <= day < end):
        if spans and spans[-1][2] == name and spans[-1][1] == day - timedelta(days=1):
            spans[-1] = (spans[-1][0], day, name)
        else:
            spans.append((day, day, name))
    return spans
