"""Signatures by country as the campaign page shows them: a table, and a bar chart drawn here as SVG
(no script, nothing fetched from elsewhere). The chart mirrors for right-to-left languages."""

from dataclasses import dataclass

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from outcry.languages import is_rtl
from petitions.reporting.countries import CountryCounts

register = template.Library()

# In the chart's own units: about a pixel each in the campaign page's side column, and text still
# 13 px high on a phone, where the chart is drawn a little smaller.
WIDTH = 400
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_WIDTH = 140  # country names longer than this are cut in the chart; the table has them whole
LABEL_CHARACTERS = 17
BAR_SPACE = 190  # the longest bar; the rest of the width holds its count


@dataclass(frozen=True)
class ChartRow:
    label: str
    signers: int
    label_x: int
    bar_x: float
    bar_width: float
    count_x: float
    y: int  # top of the row
    other: bool = False


def _cut(name: str) -> str:
    return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1].rstrip() + "…"


def chart_rows(counts: CountryCounts, rtl: bool) -> list[ChartRow]:
    """Where each bar and its texts go: left to right, or mirrored for right-to-left pages."""
    entries = [(str(row.country.name), row.signers, False) for row in counts.countries]
    if counts.other:
        entries.append((_("Other countries"), counts.other, True))
    largest = counts.largest or 1
    rows = []
    for index, (name, signers, other) in enumerate(entries):
        width = max(2.0, round(BAR_SPACE * signers / largest, 1))
        if rtl:
            bar_x = WIDTH - LABEL_WIDTH - width
            label_x, count_x = WIDTH, bar_x - 8
        else:
            bar_x = LABEL_WIDTH
            label_x, count_x = 0, bar_x + width + 8
        rows.append(ChartRow(_cut(name), signers, label_x, bar_x, width, count_x, index * ROW_HEIGHT, other))
    return rows


@register.inclusion_tag("petitions/_countries.html")
def country_table_and_chart(counts: CountryCounts | None) -> dict:
    if not counts:
        return {"counts": None}  # no signer yet, or the database did not answer: no section
    rtl = is_rtl(get_language() or "en")
    rows = chart_rows(counts, rtl)
    return {
        "counts": counts,
        "rows": rows,
        "rtl": rtl,
        "width": WIDTH,
        "height": len(rows) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
        "text_dy": BAR_HEIGHT // 2 + 6,
    }
