"""Adding and removing paper signatures, each with its count, in one transaction.

The public figure is the sum of the counter shards (reporting/counters.py); a paper count adds to
their `paper` column in the transaction that writes its row, so the two cannot disagree, and the
scheduled recount would put right anything that did.
"""

from functools import partial

from django.db import transaction

from campaigns.models import Campaign
from petitions.enums import PaperBatchKind, SignatureStatus
from petitions.models import PaperBatch
from petitions.reporting.counters import add_to_counters
from petitions.reporting.public import forget_counters


def add_paper_count(batch: PaperBatch) -> PaperBatch:
    """Store an organiser's count (its scan, if any, is written with it) and count it on paper."""
    batch.kind = PaperBatchKind.COUNT
    with transaction.atomic():
        batch.save()
        add_to_counters(campaign_id=batch.campaign_id, paper=batch.signatures)
        transaction.on_commit(partial(forget_counters, batch.campaign))
    return batch


def counted_on_paper(batch: PaperBatch) -> int:
    """What this row adds to the paper figure: its count, or its signers still on the page."""
    if batch.kind == PaperBatchKind.COUNT:
        return batch.signatures
    return batch.signers.filter(status=SignatureStatus.PAPER).count()


def delete_paper_batch(batch: PaperBatch) -> None:
    """Remove a count, or an import with its signers, and take it off the paper figure; the scan
    goes once the deletion is committed."""
    campaign = Campaign.objects.get(pk=batch.campaign_id)
    with transaction.atomic():
        locked = PaperBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None:
            return
        counted = counted_on_paper(locked)
        scan = locked.scan.name
        locked.delete()
        add_to_counters(campaign_id=locked.campaign_id, paper=-counted)
        if scan:
            transaction.on_commit(partial(locked.scan.storage.delete, scan))
        transaction.on_commit(partial(forget_counters, campaign))
