"""Importing a CSV file of paper signers: read and check every row, show it, then save all or nothing.

The organiser first sees each row with what is wrong with it, and which rows are already counted
(an address that signed online, or was imported before, or appears twice in the file): those are
not counted twice. Nothing is saved while any row has an error. Between the preview and the save
nothing is kept on the server: the preview page carries the file back, compressed and sealed
(core/sealing.py: encrypted, authenticated, for this organiser and campaign only, valid for
PENDING_SECONDS), and the save checks it again against the rows of that moment. A preview saves
once: the import keeps the seal's digest under a unique constraint.

Paper signers are Signature rows with the status "paper" (see Signature's docstring): encrypted,
hashed and erased exactly like online signers, counted on paper, and no letter is ever made for them.
"""

import hashlib
import json
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from campaigns.models import Campaign
from outcry.csvfiles import FileProblem, records_of
from petitions.core.hashing import email_hash, name_index, normalise_email
from petitions.core.sealing import seal, unseal
from petitions.enums import PaperBatchKind, SignatureStatus
from petitions.models import PaperBatch, Signature
from petitions.reporting.counters import add_to_counters
from petitions.reporting.public import forget_counters

COLUMNS = ("first_name", "last_name", "country", "email", "city", "organisation", "consent_to_contact", "collected_on")
REQUIRED = ("first_name", "last_name", "country", "collected_on")
# Headers as people write them in a spreadsheet, folded to the column they mean.
ALIASES = {
    "first": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "last": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "e_mail": "email",
    "email_address": "email",
    "town": "city",
    "organization": "organisation",
    "union": "organisation",
    "organisation_or_union": "organisation",
    "consent": "consent_to_contact",
    "consent_to_be_contacted": "consent_to_contact",
    "date": "collected_on",
    "collected": "collected_on",
    "signed_on": "collected_on",
}
# A preview page carries its file back sealed: within DATA_UPLOAD_MAX_MEMORY_SIZE once compressed.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
PENDING_SECONDS = 30 * 60
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
# What the row stores as the wording its signer agreed to: the sheet, not our form.
PAPER_CONSENT = "Consent noted on the paper sheet (imported by an organiser)."
LIMITS = {"first_name": 100, "last_name": 100, "city": 100, "organisation": 200, "email": 254}


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: str = ""  # why it is not counted again, if it is already counted
    country: str = ""
    email: str = ""
    consent: bool = False
    collected_on: date | None = None

    @property
    def to_save(self) -> bool:
        return not self.errors and not self.duplicate

    @property
    def cells(self) -> list[str]:
        return [self.values.get(column, "") for column in COLUMNS]


@dataclass
class Preview:
    rows: list[Row]
    problems: list[str]  # about the file as a whole
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.duplicate and not row.errors)

    @property
    def to_save(self) -> list[Row]:
        return [row for row in self.rows if row.to_save]

    @property
    def can_save(self) -> bool:
        return not self.problems and not self.errors and bool(self.to_save)


class ImportConflict(Exception):
    """Someone signed with one of the file's addresses between the preview and the save."""


def blank_file() -> str:
    """The header line, for organisers to fill in: the columns in the order the preview checks them."""
    return ",".join(COLUMNS) + "\r\n"


def column_of(header: str) -> str:
    name = "_".join(header.strip().lower().replace("-", " ").replace("_", " ").split())
    return ALIASES.get(name, name)


def preview_import(campaign: Campaign, text: str) -> Preview:
    """Every row of the file checked, nothing written."""
    if len(text.encode()) > MAX_BYTES:
        return Preview(rows=[], problems=[_("The file is larger than 1 MB: split it into smaller files.")])
    try:
        reader = iter(records_of(text))
    except FileProblem as problem:
        return Preview(rows=[], problems=[str(problem)])
    header = next(reader, None)
    if not header:
        return Preview(rows=[], problems=[_("The file is empty.")])
    columns = [column_of(name) for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    problems = []
    if missing:
        problems.append(_("Columns missing from the first line: %(columns)s.") % {"columns": ", ".join(missing)})
    ignored = [name for name, column in zip(header, columns, strict=True) if column not in COLUMNS and name.strip()]
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: cell.strip() for column, cell in zip(columns, cells, strict=False) if column in COLUMNS}
        rows.append(check_row(Row(line=line, values=values)))
        if len(rows) > MAX_ROWS:
            problems.append(_("More than %(max)d signers: split the file into smaller ones.") % {"max": MAX_ROWS})
            break
    if not rows and not problems:
        problems.append(_("The file has no signers under its first line."))
    mark_duplicates(campaign, rows)
    return Preview(rows=rows, problems=problems, ignored_columns=ignored)


def check_row(row: Row) -> Row:
    values = row.values
    for name in REQUIRED:
        if not values.get(name):
            row.errors.append(_("%(column)s is empty.") % {"column": name})
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            row.errors.append(_("%(column)s is longer than %(limit)d characters.") % {"column": name, "limit": limit})
    if values.get("country"):
        row.country = country_code(values["country"])
        if not row.country:
            row.errors.append(_("Unknown country: %(value)s.") % {"value": values["country"]})
    if values.get("email"):
        try:
            validate_email(values["email"])
            row.email = normalise_email(values["email"])
        except ValidationError:
            row.errors.append(_("Not an email address: %(value)s.") % {"value": values["email"]})
    consent = values.get("consent_to_contact", "").lower()
    if consent in YES or consent == _("yes").lower():
        row.consent = True
    elif not (consent in NO or consent == _("no").lower()):
        row.errors.append(_("Consent must be yes or no, not %(value)s.") % {"value": values["consent_to_contact"]})
    if values.get("collected_on"):
        row.collected_on = parse_date(values["collected_on"])
        if row.collected_on is None:
            row.errors.append(_("Not a date: %(value)s (write it as 2025-03-12).") % {"value": values["collected_on"]})
        elif row.collected_on > timezone.localdate():
            row.errors.append(_("The date %(value)s is in the future.") % {"value": values["collected_on"]})
    return row


def country_code(value: str) -> str:
    """A country from its two-letter code or its name in English or the organiser's language."""
    if len(value) == 2 and value.upper() in countries:
        return value.upper()
    for language in dict.fromkeys([translation.get_language() or "en", "en"]):
        code = countries.by_name(value, language=language)
        if code:
            return code
    return ""


def parse_date(value: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def mark_duplicates(campaign: Campaign, rows: list[Row]) -> None:
    """Rows whose address is already counted: online, by an earlier import, or higher in the file."""
    hashes = {row.line: email_hash(row.email) for row in rows if row.email}
    known = dict(
        Signature.objects.filter(campaign=campaign, email_hash__in=set(hashes.values())).values_list(
            "email_hash", "status"
        )
    )
    seen = set()
    for row in rows:
        key = hashes.get(row.line)
        if key is None:
            continue
        if key in known:
            row.duplicate = (
                _("Already imported on paper: not counted twice.")
                if known[key] == SignatureStatus.PAPER
                else _("Has signed online: not counted twice.")
            )
        elif key in seen:
            row.duplicate = _("Appears twice in this file: counted once.")
        seen.add(key)


def paper_signature(campaign: Campaign, batch: PaperBatch, row: Row) -> Signature:
    # A signer without an address still needs a key unique in the campaign (the one-per-address
    # constraint): a random one, which no address can ever hash to.
    key = email_hash(row.email) if row.email else f"paper-{secrets.token_hex(16)}"
    return Signature(
        campaign=campaign,
        paper_batch=batch,
        status=SignatureStatus.PAPER,
        first_name=row.values["first_name"],
        last_name=row.values["last_name"],
        name_index=name_index(row.values["first_name"], row.values["last_name"]),
        email=row.email,
        email_hash=key,
        country=row.country,
        city=row.values.get("city", ""),
        organisation=row.values.get("organisation", ""),
        language=campaign.default_language,
        consent_to_contact=row.consent,
        consent_text=PAPER_CONSENT if row.consent else "",
        created_at=datetime.combine(row.collected_on, time(12), tzinfo=UTC),
    )


def save_import(*, campaign: Campaign, preview: Preview, source: str, added_by, token: str = "") -> PaperBatch:
    """The file's new signers, its import row and their count on paper, all or nothing; a `token`
    already saved raises ImportConflict (the same preview sent twice)."""
    if not preview.can_save:
        raise ValueError("Only a file without errors is saved.")
    rows = preview.to_save
    try:
        with transaction.atomic():
            batch = PaperBatch.objects.create(
                campaign=campaign,
                kind=PaperBatchKind.SIGNERS,
                signatures=len(rows),
                source=source,
                collected_on=max(row.collected_on for row in rows),
                added_by=added_by,
                import_digest=hashlib.sha256(token.encode()).hexdigest() if token else "",
            )
            Signature.objects.bulk_create([paper_signature(campaign, batch, row) for row in rows], batch_size=500)
            add_to_counters(campaign_id=campaign.pk, paper=len(rows))
    except IntegrityError:
        raise ImportConflict(campaign.slug) from None
    transaction.on_commit(lambda: forget_counters(campaign))
    return batch


def _purpose(user_id: int, campaign_id: int) -> str:
    return f"paper-import:{user_id}:{campaign_id}"


def seal_preview(*, user_id: int, campaign_id: int, source: str, text: str) -> str:
    """The previewed file and its source as a token the preview page sends back to save it."""
    payload = json.dumps({"source": source, "text": text, "nonce": secrets.token_hex(8)}).encode()
    return seal(zlib.compress(payload, 9), purpose=_purpose(user_id, campaign_id))


def open_preview(token: str, *, user_id: int, campaign_id: int) -> dict | None:
    """What `token` carries, else None: expired, changed, or made for another organiser or campaign."""
    sealed = unseal(token, purpose=_purpose(user_id, campaign_id), max_age_seconds=PENDING_SECONDS)
    return None if sealed is None else json.loads(zlib.decompress(sealed))


def already_saved(token: str) -> bool:
    return PaperBatch.objects.filter(import_digest=hashlib.sha256(token.encode()).hexdigest()).exists()
