"""The columns of a campaign's targets as a CSV file, in one declarative list.

Each column names its header (English, as the organisers' documentation lists them), the Target
field it fills, and how a cell becomes the field's value and back: a new column is one line in
`COLUMNS`. After the target's own columns come its name and title in each language
(name_ru, title_ru, ...), then the sending rules. Blanks mean what is safe: an empty cap is the
default cap, not "no limit".
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Target, time_zone_names

DEFAULT_HOURLY_CAP = Target._meta.get_field("hourly_cap").default
NO_LIMIT = "none"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I %p")


# How a cell (already stripped) becomes a field's value; a ValidationError says what is wrong with it.


def read_text(cell: str) -> str:
    return cell


def read_language(cell: str) -> str:
    code = cell.lower()
    if code and code not in LANGUAGE_CODES:
        raise ValidationError(
            _("%(value)s is not one of the languages %(codes)s (empty: the campaign's main language)."),
            params={"value": cell, "codes": ", ".join(LANGUAGE_CODES)},
        )
    return code


@functools.cache
def zones_by_lower_case() -> dict[str, str]:
    return {name.lower(): name for name in time_zone_names()}


def read_time_zone(cell: str) -> str:
    """ "asia/baku" is Asia/Baku; an unknown zone is refused by the model's own validator."""
    if not cell:
        return "UTC"
    return zones_by_lower_case().get(cell.lower(), cell)


def read_hourly_cap(cell: str) -> int | None:
    if not cell:
        return DEFAULT_HOURLY_CAP
    if cell.lower() == NO_LIMIT:
        return None
    if not cell.isdigit():
        raise ValidationError(
            _("Write a whole number of letters an hour, or %(none)s for no limit (not advised)."),
            params={"none": NO_LIMIT},
        )
    return int(cell)


def read_time(cell: str) -> time | None:
    if not cell:
        return None
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(cell.upper(), pattern).time()
        except ValueError:
            continue
    raise ValidationError(_("%(value)s is not a time of day like 09:00 or 17:30."), params={"value": cell})


def read_yes_no(cell: str) -> bool:
    if cell.lower() in YES:
        return True
    if cell.lower() in NO:
        return False
    raise ValidationError(_("Write yes or no, not %(value)s."), params={"value": cell})


def read_country(cell: str) -> str:
    return cell.upper()


def read_countries(cell: str) -> list[str]:
    """Two-letter codes separated by spaces or commas ("DE AT, CH"); unknown codes are refused."""
    codes = [code.upper() for code in cell.replace(",", " ").split()]
    unknown = [code for code in codes if code not in countries]
    if unknown:
        raise ValidationError(
            _("%(codes)s: not a two-letter country code such as DE or AZ."), params={"codes": ", ".join(unknown)}
        )
    return list(dict.fromkeys(codes))


def write_countries(value) -> str:
    return " ".join(str(getattr(country, "code", country)) for country in value)


def write_yes_no(value: bool) -> str:
    return "yes" if value else "no"


# How a field's value is written to its cell (outcry.csvcells.neutralise makes it text).


def write_value(value: Any) -> Any:
    return value


def write_hourly_cap(value: int | None) -> str:
    return NO_LIMIT if value is None else str(value)


def write_time(value: time | None) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


@dataclass(frozen=True)
class Column:
    """A column that is a field of Target. Its help may name %(codes)s, %(default)s and %(none)s."""

    header: str
    field: str
    help: str
    read: Callable[[str], Any] = read_text
    write: Callable[[Any], Any] = write_value

    def cell(self, target: Target) -> Any:
        return self.write(getattr(target, self.field))

    def describe(self) -> str:
        return str(self.help) % HELP_VALUES if "%(" in str(self.help) else str(self.help)


@dataclass(frozen=True)
class NameColumn:
    """A column that is the target's name or title (`part`) in one language: a TargetName row."""

    part: str
    language: str

    @property
    def header(self) -> str:
        return f"{self.part}_{self.language}"

    def cell(self, target: Target) -> str:
        row = target.names_by_language.get(self.language)
        return getattr(row, self.part) if row else ""


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
HELP_VALUES = {"codes": ", ".join(LANGUAGE_CODES), "default": DEFAULT_HOURLY_CAP, "none": NO_LIMIT}

OWN_COLUMNS = [
    Column("email", "email", _("The target's address; required. It says which target the row is.")),
    Column("name", "name", _("The name letters greet the target with; required.")),
    Column("title", "title", _("The target's role, e.g. Minister of Justice (may be empty).")),
    Column(
        "language",
        "language",
        _("The language of the target's letters: %(codes)s; empty for the campaign's main language."),
        read=read_language,
    ),
    Column(
        "time_zone",
        "timezone",
        _("The target's time zone, e.g. Asia/Baku or Europe/Madrid; empty for UTC."),
        read=read_time_zone,
    ),
]
# The target's country, for its public holidays: the field comes with a change of its own, and the
# column is read and written as soon as Target has it.
COUNTRY = Column(
    "country",
    "holiday_country",
    _("The country whose public holidays the target keeps, as a two-letter code such as AZ."),
    read=read_country,
)
NAME_COLUMNS = [NameColumn(part, language) for language in LANGUAGE_CODES for part in ("name", "title")]
NAMES_HELP = _(
    "The name and title in letters and pages in that language, e.g. name_ru and title_ru for "
    "Russian; empty: the name and title columns."
)
RULE_COLUMNS = [
    Column(
        "hourly_cap",
        "hourly_cap",
        _("At most this many letters an hour; empty for %(default)s, %(none)s for no limit (not advised)."),
        read=read_hourly_cap,
        write=write_hourly_cap,
    ),
    Column(
        "send_from",
        "window_start",
        _("Send only from this time of day (e.g. 09:00), in the target's time zone; empty: at any time."),
        read=read_time,
        write=write_time,
    ),
    Column(
        "send_until",
        "window_end",
        _("... until this time of day (e.g. 17:00); give both times or neither."),
        read=read_time,
        write=write_time,
    ),
    Column(
        "weekdays_only",
        "weekdays_only",
        _("yes: send Monday to Friday only; no or empty: every day."),
        read=read_yes_no,
    ),
]


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


if has_field(Target, COUNTRY.field):
    OWN_COLUMNS.append(COUNTRY)
# Whom signers write to, where the campaign routes letters by country (campaigns/routing.py).
OWN_COLUMNS += [
    Column(
        "for_signers_in",
        "countries",
        _("Where letters go by country: the signers' countries that write to this target, e.g. DE AT."),
        read=read_countries,
        write=write_countries,
    ),
    Column(
        "for_postcodes",
        "postcodes",
        _("Where letters go by postcode: the postcode beginnings or region names it is for, e.g. 10 11."),
        read=lambda cell: " ".join(cell.replace(",", " ").split()),
    ),
    Column(
        "default",
        "is_default",
        _("yes: signers whom no other target fits write to this one; no or empty: not."),
        read=read_yes_no,
        write=write_yes_no,
    ),
]

# The file's columns, in order: the target's own, its names per language, the sending rules.
COLUMNS: list[Column | NameColumn] = [*OWN_COLUMNS, *NAME_COLUMNS, *RULE_COLUMNS]
TARGET_COLUMNS = [*OWN_COLUMNS, *RULE_COLUMNS]
HEADERS = [column.header for column in COLUMNS]


def cells_of(target: Target) -> list[Any]:
    """The target's row of the file, before the cells are made spreadsheet-safe."""
    return [column.cell(target) for column in COLUMNS]


def column_help() -> list[tuple[str, str]]:
    """(header, what it holds) for the import page, in the file's order."""
    first, last = NAME_COLUMNS[0].header, NAME_COLUMNS[-1].header
    names = (f"{first}, {NAME_COLUMNS[1].header}, …, {last}", str(NAMES_HELP))
    return [
        *((column.header, column.describe()) for column in OWN_COLUMNS),
        names,
        *((column.header, column.describe()) for column in RULE_COLUMNS),
    ]
