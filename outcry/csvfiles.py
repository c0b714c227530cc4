"""CSV files as spreadsheets save them, read for the imports organisers make (targets, paper signers).

Excel, LibreOffice and Google Sheets save "CSV" in several ways: UTF-8 with or without a byte order
mark (Excel's "CSV UTF-8"), UTF-16 (Excel's "Unicode text"), and commas, semicolons (where the comma
is the decimal mark) or tabs between cells, sometimes announced by a first line "sep=;". All of
them read here alike; anything else is refused as a whole with a message that says what to do.
What the rows mean is for each import.
"""

import csv
import io

from django.utils.translation import gettext_lazy as _

DELIMITERS = (",", ";", "\t")
UTF16 = (b"\xff\xfe", b"\xfe\xff")
WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx and .ods are zip files; .xls an OLE file


class FileProblem(Exception):
    """The whole file is refused; the message says why, in words for the organiser."""


def decode(data: bytes) -> str:
    """The file's text, or FileProblem for a workbook or a file that is not text in UTF-8/16."""
    if data.startswith(WORKBOOKS):
        raise FileProblem(
            _(
                "This is a spreadsheet workbook, not a CSV file. In Excel, choose File › Save As and the "
                "type “CSV UTF-8 (Comma delimited)”; in LibreOffice, File › Save As and “Text CSV”."
            )
        )
    try:
        text = data.decode("utf-16" if data.startswith(UTF16) else "utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            _(
                "The file is not UTF-8 text. In Excel, save it with File › Save As and the type "
                "“CSV UTF-8 (Comma delimited)”; in LibreOffice, choose the character set Unicode (UTF-8)."
            )
        ) from None
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV file: it holds characters that text does not."))
    return text


def delimiter_of(header_line: str) -> str:
    """The separator the header line uses most: commas, or semicolons and tabs as Excel writes them."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def records_of(text: str) -> list[list[str]]:
    """The file's rows of cells (the header first), split by the separator its first line uses."""
    first = text.split("\n", 1)[0].strip()
    delimiter = delimiter_of(first)
    if first.lower().startswith("sep=") and len(first) == 5:
        # Excel's own hint of the separator, on a line before the header.
        delimiter, text = first[4], text.split("\n", 1)[1] if "\n" in text else ""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem(_("The file cannot be read as CSV: %(error)s.") % {"error": exc}) from None
