"""CSV exports of a campaign's signers, streamed in constant memory and recorded in an audit log.

Rows are read in keyset batches (id > last id), so neither this process nor the database holds more
than one batch, however many signers there are, and no transaction stays open while a slow client
downloads. Every cell a spreadsheet could read as a formula is neutralised, and the file starts with
a byte order mark (outcry/csvcells.py).
"""

import csv
from collections.abc import Callable, Iterator

from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from campaigns.models import Campaign, Partner
from outcry.csvcells import BOM, neutralise
from petitions.enums import SignatureStatus
from petitions.models import Signature, SignatureExport

BATCH_SIZE = 5000
# The export page tells the organiser how big the download will be, so that the browser's byte
# count is a progress bar: the rows it will hold, times the size of the newest rows written out.
SAMPLE_ROWS = 200

COLUMNS = (
    "id",
    "created_at",
    "first_name",
    "last_name",
    "email",
    "country",
    "city",
    "postcode",
    "organisation",
    "message",
    # The signer's own words, where the campaign asked for them: an edited letter or a paragraph.
    "own_subject",
    "own_body",
    "own_paragraph",
    "language",
    "consent_to_contact",
    "consent_text",
    "status",
    "source",
    "confirmed_at",
    # "online", or "paper" for a signer an organiser imported from a paper sheet (petitions/paper/).
    "channel",
)


def exported_signatures(campaign: Campaign, partner: Partner | None = None) -> QuerySet[Signature]:
    """Every signer for the campaign's organisation; for a partner, only the confirmed signers who
    came through its link and agreed to be contacted."""
    channel = Case(When(status=SignatureStatus.PAPER, then=Value("paper")), default=Value("online"))
    queryset = Signature.objects.filter(campaign=campaign).annotate(channel=channel)
    if partner is not None:
        queryset = queryset.filter(source=partner.code, consent_to_contact=True, status=SignatureStatus.CONFIRMED)
    return queryset


def signature_rows(
    campaign: Campaign, *, partner: Partner | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[tuple]:
    """The exported signatures in id order, one keyset batch at a time."""
    queryset = exported_signatures(campaign, partner).order_by("pk").values_list(*COLUMNS)
    last_id = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_id)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1][0]


def export_size(campaign: Campaign, partner: Partner | None = None) -> tuple[int, int]:
    """(rows, bytes) of the file the export would write now; the bytes from a sample of rows."""
    queryset = exported_signatures(campaign, partner)
    rows = queryset.count()
    writer = csv.writer(_Line())
    sample = list(queryset.order_by("-pk").values_list(*COLUMNS)[:SAMPLE_ROWS])
    sampled = sum(len(writer.writerow([neutralise(value) for value in row]).encode()) for row in sample)
    header = len((BOM + writer.writerow(COLUMNS)).encode())
    return rows, header + (round(sampled * rows / len(sample)) if sample else 0)


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def write(self, value: str) -> str:
        return value


def export_signatures_csv(
    *,
    campaign: Campaign,
    partner: Partner | None = None,
    user=None,
    actor: str,
    via: str,
    on_row: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """CSV lines (header first) of the campaign's signers (a partner's share of them if `partner`);
    the export is logged when it starts and updated when it ends, also when the reader stops early
    (a cancelled download)."""
    if partner is not None and (partner.campaign_id != campaign.pk or not campaign.share_with_partners):
        raise PermissionError("The campaign does not share its signers with this partner.")
    return _lines(campaign=campaign, partner=partner, user=user, actor=actor, via=via, on_row=on_row)


def _lines(*, campaign, partner, user, actor, via, on_row) -> Iterator[str]:
    record = SignatureExport.objects.create(campaign=campaign, partner=partner, user=user, actor=actor[:200], via=via)
    writer = csv.writer(_Line())
    rows = 0
    completed = False
    try:
        yield BOM + writer.writerow(COLUMNS)
        for row in signature_rows(campaign, partner=partner):
            # Counted as it is handed out: a download cancelled here logs the rows that left.
            rows += 1
            if on_row is not None:
                on_row(rows)
            yield writer.writerow([neutralise(value) for value in row])
        completed = True
    finally:
        SignatureExport.objects.filter(pk=record.pk).update(rows=rows, finished_at=timezone.now(), completed=completed)


def export_filename(campaign: Campaign, partner: Partner | None = None) -> str:
    who = f"-{partner.code}" if partner else ""
    return f"{campaign.slug}{who}-signatures-{timezone.now():%Y%m%d-%H%M}.csv"
