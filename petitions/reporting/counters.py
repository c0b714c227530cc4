"""Sharded counters: cheap to add to under concurrency, cheap to read, exact after reconciling.

Why shards: one counter row per campaign would make every signing transaction queue on the same row
lock for the length of the transaction. With COUNTER_SHARDS rows, picked at random, concurrent
signers rarely meet. Reading sums a fixed handful of rows. A scheduled recount rewrites the shards
from the signature and delivery rows, so nothing can drift for long.
"""

import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from petitions.enums import SENT_STATUSES, PaperBatchKind, SignatureStatus
from petitions.models import CounterShard, Delivery, PaperBatch, Signature

logger = logging.getLogger(__name__)

_UPSERT = (
    "INSERT INTO {table} (campaign_id, shard, signatures, emails_sent, paper, own_mail) "
    "VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (campaign_id, shard) DO UPDATE SET "
    "signatures = {table}.signatures + EXCLUDED.signatures, "
    "emails_sent = {table}.emails_sent + EXCLUDED.emails_sent, "
    "paper = {table}.paper + EXCLUDED.paper, "
    "own_mail = {table}.own_mail + EXCLUDED.own_mail"
)


def add_to_counters(
    *,
    campaign_id: int,
    signatures: int = 0,
    emails_sent: int = 0,
    paper: int = 0,
    own_mail: int = 0,
    shard: int | None = None,
) -> None:
    """Add to one (random) shard in a single statement (PostgreSQL and SQLite alike); call inside the
    transaction that wrote the rows."""
    shard = random.randrange(settings.COUNTER_SHARDS) if shard is None else shard
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT.format(table=CounterShard._meta.db_table),
            [campaign_id, shard, signatures, emails_sent, paper, own_mail],
        )


def totals_by_campaign() -> dict[int, tuple[int, int]]:
    """{campaign id: (signatures, emails sent)} for every campaign, summed from the shards in one pass."""
    rows = (
        CounterShard.objects.values_list("campaign_id").annotate(s=Sum("signatures"), e=Sum("emails_sent")).order_by()
    )
    return {campaign_id: (signatures, emails_sent) for campaign_id, signatures, emails_sent in rows}


@dataclass(frozen=True)
class Recount:
    campaign_id: int
    signatures: int
    emails_sent: int
    signatures_drift: int
    emails_sent_drift: int
    paper: int = 0
    paper_drift: int = 0


def recount_campaign(*, campaign_id: int) -> Recount:
    """Rewrite a campaign's shards from the rows: the exact count, with the drift it corrected.

    Locking every shard first means each signer either committed before the count (and is in it)
    or adds to a shard after it (and is added on top of it): no signature is counted twice or lost.
    Letters sent from signers' own mailboxes have no rows to recount from: their column is kept.
    """
    CounterShard.objects.bulk_create(
        [CounterShard(campaign_id=campaign_id, shard=n) for n in range(settings.COUNTER_SHARDS)],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        shards = list(CounterShard.objects.select_for_update().filter(campaign_id=campaign_id).order_by("shard"))
        signatures = Signature.objects.filter(campaign_id=campaign_id, status=SignatureStatus.CONFIRMED).count()
        emails_sent = Delivery.objects.filter(campaign_id=campaign_id, status__in=SENT_STATUSES).count()
        paper = paper_count(campaign_id)
        recount = Recount(
            campaign_id=campaign_id,
            signatures=signatures,
            emails_sent=emails_sent,
            signatures_drift=sum(s.signatures for s in shards) - signatures,
            emails_sent_drift=sum(s.emails_sent for s in shards) - emails_sent,
            paper=paper,
            paper_drift=sum(s.paper for s in shards) - paper,
        )
        CounterShard.objects.filter(campaign_id=campaign_id).exclude(shard=0).update(
            signatures=0, emails_sent=0, paper=0
        )
        CounterShard.objects.filter(campaign_id=campaign_id, shard=0).update(
            signatures=signatures, emails_sent=emails_sent, paper=paper
        )
    if recount.signatures_drift or recount.emails_sent_drift or recount.paper_drift:
        logger.warning(
            "Counter drift corrected for campaign %s: signatures %+d, emails sent %+d, on paper %+d",
            campaign_id,
            -recount.signatures_drift,
            -recount.emails_sent_drift,
            -recount.paper_drift,
        )
    return recount


def paper_count(campaign_id: int) -> int:
    """Signatures on paper from the rows: the organisers' counts plus the imported signers."""
    counted = PaperBatch.objects.filter(campaign_id=campaign_id, kind=PaperBatchKind.COUNT).aggregate(
        n=Sum("signatures", default=0)
    )["n"]
    return counted + Signature.objects.filter(campaign_id=campaign_id, status=SignatureStatus.PAPER).count()
