"""A campaign's targets as a CSV file, read as spreadsheets save it and written for them to open.

Reading takes the file as any spreadsheet saves it (outcry/csvfiles.py); what the rows mean is for
campaigns/targetimport.py.

Writing gives the same columns (campaigns/targetcolumns.py), spreadsheet-safe (outcry/csvcells.py):
a byte order mark, and no cell that runs as a formula. Such a cell reads back as the text it was.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.targetcolumns import HEADERS, cells_of
from outcry.csvcells import BOM, neutralise, restore
from outcry.csvfiles import FileProblem, decode, records_of

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


@dataclass
class Line:
    """A row of the file: its number as a spreadsheet shows it (the header is row 1), its cells by
    column (stripped, a neutralised formula read back as its text), and whether it has cells past
    the last named column (a comma inside a name, not quoted)."""

    number: int
    cells: dict[str, str]
    overflows: bool = False


@dataclass
class Table:
    headers: list[str]
    lines: list[Line]


def normal_header(cell: str) -> str:
    """ "Time zone", "time-zone" and "TIME_ZONE" are the column time_zone."""
    return restore(cell).strip().lower().replace(" ", "_").replace("-", "_")


def read_table(data: bytes) -> Table:
    """The file's rows, or FileProblem for a file that is not a CSV file of targets."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            _("The file is larger than %(size)s MB: split it into several files.") % {"size": MAX_BYTES // 2**20}
        )
    text = decode(data)
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    records = records_of(text)
    if not records:
        raise FileProblem(_("The file is empty."))
    return table_of(records)


def table_of(records: list[list[str]]) -> Table:
    names = [normal_header(cell) for cell in records[0]]
    body = records[1:]
    # A column without a name counts only if a row has something in it (spreadsheets add empty ones).
    for position, name in enumerate(names):
        if not name and any(position < len(cells) and cells[position].strip() for cells in body):
            raise FileProblem(_("Column %(number)s has cells but no name in the first row.") % {"number": position + 1})
    named = [name for name in names if name]
    check_headers(named)
    lines = []
    for offset, cells in enumerate(body):
        if not any(cell.strip() for cell in cells):
            continue  # an empty row, as spreadsheets leave at the end
        values = {name: restore(cell).strip() for name, cell in zip(names, cells, strict=False) if name}
        lines.append(
            Line(
                number=offset + 2,
                cells={name: values.get(name, "") for name in named},
                overflows=any(cell.strip() for cell in cells[len(names) :]),
            )
        )
    if len(lines) > MAX_ROWS:
        raise FileProblem(
            _("The file has %(count)s targets; at most %(limit)s can be imported at once: split it into several files.")
            % {"count": len(lines), "limit": MAX_ROWS}
        )
    if not lines:
        raise FileProblem(_("The file has a first row of column names but no targets under it."))
    return Table(headers=named, lines=lines)


def check_headers(named: list[str]) -> None:
    unknown = [name for name in named if name not in HEADERS]
    if unknown:
        raise FileProblem(
            _("The first row names columns the import does not know: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(HEADERS)}
        )
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise FileProblem(_("The first row names a column twice: %(names)s.") % {"names": ", ".join(repeated)})
    if "email" not in named:
        raise FileProblem(
            _(
                "The file has no email column. Its first row must name the columns, for example "
                "email, name, title (the columns are listed on the import page)."
            )
        )


def export_csv(campaign: Campaign | None) -> str:
    """The campaign's targets as a CSV file in the import's columns; for None, a template of the
    column names alone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    targets = campaign.targets.prefetch_related("names").order_by("pk") if campaign is not None else []
    for target in targets:
        writer.writerow([neutralise(cell) for cell in cells_of(target)])
    return BOM + out.getvalue()
