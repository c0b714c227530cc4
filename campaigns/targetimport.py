"""Importing a campaign's targets from a CSV file: what each row would do, then all of it or nothing.

Every row becomes a Target checked with the model's own rules (`full_clean` of Target and of each
TargetName). A row whose email is already a target of the campaign (in any case) updates it; any
other row adds one. A column missing from the file leaves that field as it is (or at its default
for a new target); an empty cell is the column's blank. Targets that are not in the file are left
alone. Saving writes every row in one transaction, and only a file without errors: never a part.
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Target, TargetName
from campaigns.targetcolumns import HEADERS, NAME_COLUMNS, TARGET_COLUMNS, Column, NameColumn
from campaigns.targetcsv import Table

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
ACTION_LABELS = {NEW: _("new"), UPDATE: _("update"), UNCHANGED: _("unchanged"), ERROR: _("error")}


@dataclass
class Row:
    """One row of the file as it would be saved: its target (new, or the existing one changed) and
    its names per language (None: the language's row is removed)."""

    number: int
    target: Target
    exists: bool
    names: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    changed_fields: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the headers of the columns that change
    problems: list[tuple[str, str]] = field(default_factory=list)  # (header or "", message)

    def problem(self, header: str, message) -> None:
        self.problems.append((header, str(message)))

    @property
    def errors(self) -> list[str]:
        """ "column: what is wrong", in the file's order of columns, what concerns the row first."""
        ordered = sorted(
            self.problems, key=lambda problem: HEADERS.index(problem[0]) + 1 if problem[0] in HEADERS else 0
        )
        return [f"{header}: {message}" if header else message for header, message in ordered]

    @property
    def action(self) -> str:
        if self.errors:
            return ERROR
        if not self.exists:
            return NEW
        return UPDATE if self.changes else UNCHANGED

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class Plan:
    """What the file would do, row by row."""

    rows: list[Row]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def to_save(self) -> int:
        return self.counts[NEW] + self.counts[UPDATE]

    @property
    def shown(self) -> list[Row]:
        """The rows a preview lists: those to fix when there are any (a long file has a few among
        hundreds), else every row."""
        return self.errors or self.rows

    @property
    def others(self) -> int:
        return len(self.rows) - len(self.shown)


def check(campaign: Campaign, table: Table) -> Plan:
    """What saving the file would do to the campaign's targets, row by row, with every row's errors.
    Two queries, whatever the number of rows: the checks are the model's, not the database's."""
    existing: dict[str, Target] = {}
    for target in campaign.targets.prefetch_related("names").order_by("pk"):
        existing.setdefault(target.email.strip().lower(), target)
    columns = [column for column in TARGET_COLUMNS if column.header in table.headers]
    names = [column for column in NAME_COLUMNS if column.header in table.headers]
    first_rows: dict[str, int] = {}
    rows = []
    for line in table.lines:
        key = line.cells["email"].lower()
        found = existing.get(key)
        row = Row(number=line.number, target=_copy(found) if found else Target(campaign=campaign), exists=bool(found))
        if line.overflows:
            row.problem(
                "",
                _(
                    "The row has more cells than the first row names columns: a comma or semicolon "
                    "inside a name must be in quotes."
                ),
            )
        if key and key in first_rows:
            row.problem("email", _("the same address as row %(row)s.") % {"row": first_rows[key]})
        first_rows.setdefault(key, line.number)
        _read_target(row, columns, line.cells)
        _read_names(row, names, line.cells)
        rows.append(row)
    return Plan(rows)


def _copy(target: Target) -> Target:
    """The existing target to change for this row; the original stays as it was, for the next row."""
    target.names_by_language  # noqa: B018 - read once from the prefetched rows, shared with the copy
    return copy.copy(target)


def _read_target(row: Row, columns: list[Column], cells: dict[str, str]) -> None:
    target = row.target
    unread = ["campaign"]  # the page's own campaign
    for column in columns:
        try:
            value = column.read(cells[column.header])
        except ValidationError as exc:
            row.problems.extend((column.header, message) for message in exc.messages)
            unread.append(column.field)
            continue
        if row.exists and getattr(target, column.field) != value:
            row.changed_fields.append(column.field)
            row.changes.append(column.header)
        setattr(target, column.field, value)
    try:
        if len(unread) > 1:
            # With a cell unread, the rules across fields (both ends of the window) would only
            # repeat its error.
            target.clean_fields(exclude=unread)
        else:
            # One address per campaign is the matching in check(), in any case, not a query per row.
            target.full_clean(exclude=unread, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        headers = {column.field: column.header for column in TARGET_COLUMNS}
        for name, messages in exc.message_dict.items():
            header = "" if name == NON_FIELD_ERRORS else headers.get(name, name)
            row.problems.extend((header, message) for message in messages)


def _read_names(row: Row, columns: list[NameColumn], cells: dict[str, str]) -> None:
    """The names per language the file gives; a language with both cells empty has no row."""
    for language in dict.fromkeys(column.language for column in columns):
        stored = row.target.names_by_language.get(language) if row.exists else None
        before = {"name": stored.name, "title": stored.title} if stored else {"name": "", "title": ""}
        given = {column.part: cells[column.header] for column in columns if column.language == language}
        after = before | given
        wanted = (after["name"], after["title"]) if any(after.values()) else None
        if wanted is not None:
            try:
                TargetName(language=language, **after).full_clean(
                    exclude=["target"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                for part, messages in exc.message_dict.items():
                    header = "" if part == NON_FIELD_ERRORS else NameColumn(part, language).header
                    row.problems.extend((header, message) for message in messages)
        if wanted != ((stored.name, stored.title) if stored else None):
            row.names[language] = wanted
            if row.exists:
                row.changes.extend(NameColumn(part, language).header for part in after if after[part] != before[part])


# Saving


@dataclass
class Saved:
    added: int
    updated: int
    unchanged: int


@transaction.atomic
def save(plan: Plan) -> Saved:
    """Every row of a file without errors, in one transaction: all of it, or nothing."""
    if plan.errors:
        raise ValueError("A file with errors is never saved, not even in part.")
    for row in plan.rows:
        if row.action == NEW:
            row.target.save()
        elif row.changed_fields:
            # Only the columns of the file: the letters' side moves other fields (the next slot) meanwhile.
            row.target.save(update_fields=row.changed_fields)
        for language, wanted in row.names.items():
            if wanted is None:
                TargetName.objects.filter(target=row.target, language=language).delete()
            else:
                TargetName.objects.update_or_create(
                    target=row.target, language=language, defaults={"name": wanted[0], "title": wanted[1]}
                )
    counts = plan.counts
    return Saved(added=counts[NEW], updated=counts[UPDATE], unchanged=counts[UNCHANGED])
