"""CSV exports of a campaign's signers, streamed in constant memory and recorded in an audit log.

Rows are read in keyset batches (id > last id), so neither this process nor the database holds more
than one batch, however many signers there are, and no transaction stays open while a slow client
downloads. Every cell a spreadsheet could read as a formula is neutralised.
"""

import csv
from collections.abc import Callable, Iterator

from django.utils import timezone

from campaigns.models import Campaign
from petitions.models import Signature, SignatureExport

BATCH_SIZE = 5000

COLUMNS = (
    "id",
    "created_at",
    "first_name",
    "last_name",
    "email",
    "country",
    "city",
    "organisation",
    "message",
    "language",
    "consent_to_contact",
    "consent_text",
    "status",
    "source",
    "confirmed_at",
)

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text; a leading quote keeps a would-be formula as plain text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def signature_rows(campaign: Campaign, *, batch_size: int = BATCH_SIZE) -> Iterator[tuple]:
    """The campaign's signatures in id order, one keyset batch at a time."""
    queryset = Signature.objects.filter(campaign=campaign).order_by("pk").values_list(*COLUMNS)
    last_id = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_id)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1][0]


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def write(self, value: str) -> str:
        return value


def export_signatures_csv(
    *, campaign: Campaign, user=None, actor: str, via: str, on_row: Callable[[int], None] | None = None
) -> Iterator[str]:
    """CSV lines (header first) of the campaign's signers; the export is logged when it starts and
    updated when it ends, also when the reader stops early (a cancelled download)."""
    record = SignatureExport.objects.create(campaign=campaign, user=user, actor=actor[:200], via=via)
    writer = csv.writer(_Line())
    rows = 0
    completed = False
    try:
        yield writer.writerow(COLUMNS)
        for row in signature_rows(campaign):
            # Counted as it is handed out: a download cancelled here logs the rows that left.
            rows += 1
            if on_row is not None:
                on_row(rows)
            yield writer.writerow([neutralise(value) for value in row])
        completed = True
    finally:
        SignatureExport.objects.filter(pk=record.pk).update(rows=rows, finished_at=timezone.now(), completed=completed)


def export_filename(campaign: Campaign) -> str:
    return f"{campaign.slug}-signatures-{timezone.now():%Y%m%d-%H%M}.csv"
