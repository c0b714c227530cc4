"""Cells of the CSV files organisers open in spreadsheets, written so that no cell runs as a formula.

A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return) as a formula (OWASP
"CSV injection"): such a cell is written with a leading apostrophe, which the spreadsheet shows as
plain text. Files start with a byte order mark: without it, Excel on Windows reads UTF-8 as the
local code page, and "Əliyev" or "Мамедова" arrive garbled. Shared by every export (signers in
petitions, targets in campaigns) and by the target import, which reads such cells back.
"""

BOM = "\ufeff"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text; a leading quote keeps a would-be formula as plain text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(cell: str) -> str:
    """The text a neutralised cell stood for: the apostrophe in front of a would-be formula removed."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
