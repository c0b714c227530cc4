"""Storing a signature, its letters and its count as one unit of work.

On PostgreSQL this is one statement (a data-modifying CTE) in autocommit: one round trip and one
commit instead of BEGIN, three INSERTs and COMMIT. Signing is the request a viral campaign makes
thousands of times an hour, and the benchmark (bench/README.md) showed those round trips were most
of its cost. Elsewhere (the embedded SQLite setup) the same work runs through the ORM in a
transaction. Both paths are tested against each other; columns come from the models, so a new
field cannot be forgotten in one of them.
"""

import random

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from petitions.enums import SignatureStatus
from petitions.models import CounterShard, Delivery, Signature
from petitions.reporting.counters import add_to_counters


def store_signature(signature: Signature, letters: list[Delivery]) -> list[int] | None:
    """Insert the signature, its letters and +1 on a counter shard, all or nothing.

    Only a confirmed signature is counted; a held or pending one is stored alone (pass no letters).

    Returns the ids of the letters to enqueue now, or None when this address has already signed
    (then nothing is written).
    """
    shard = random.randrange(settings.COUNTER_SHARDS)
    if connection.vendor == "postgresql":
        return store_in_one_statement(signature, letters, shard)
    return store_with_orm(signature, letters, shard)


def _insert_columns(model, obj, *, skip: tuple[str, ...] = ()) -> tuple[list[str], list]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    return columns, values


def store_in_one_statement(signature: Signature, letters: list[Delivery], shard: int) -> list[int] | None:
    counted = signature.status == SignatureStatus.CONFIRMED
    signature_columns, signature_values = _insert_columns(Signature, signature)
    # The letters of one signature differ only in their target and in whether they are enqueued at
    # once (unpaced targets): one row is the template, the rest comes from two arrays.
    template = letters[0] if letters else Delivery(campaign_id=signature.campaign_id)
    letter_columns, letter_values = _insert_columns(
        Delivery, template, skip=("signature_id", "target_id", "enqueued_at")
    )
    sql = f"""
        WITH new_signature AS (
            INSERT INTO {Signature._meta.db_table} ({", ".join(signature_columns)})
            VALUES ({", ".join(["%s"] * len(signature_values))})
            ON CONFLICT (campaign_id, email_hash) DO NOTHING
            RETURNING id
        ), new_letters AS (
            INSERT INTO {Delivery._meta.db_table} (signature_id, target_id, enqueued_at, {", ".join(letter_columns)})
            SELECT new_signature.id, target.id, target.enqueued_at, {", ".join(["%s"] * len(letter_values))}
            FROM new_signature CROSS JOIN unnest(%s::bigint[], %s::timestamptz[]) AS target(id, enqueued_at)
            RETURNING id, enqueued_at
        ), counted AS (
            INSERT INTO {CounterShard._meta.db_table} (campaign_id, shard, signatures, emails_sent)
            SELECT %s, %s, 1, 0 FROM new_signature WHERE %s
            ON CONFLICT (campaign_id, shard)
            DO UPDATE SET signatures = {CounterShard._meta.db_table}.signatures + 1
        )
        SELECT (SELECT id FROM new_signature), ARRAY(SELECT id FROM new_letters WHERE enqueued_at IS NOT NULL)
    """  # noqa: S608 - identifiers come from the models; every value is a parameter
    params = [
        *signature_values,
        *letter_values,
        [letter.target_id for letter in letters],
        [letter.enqueued_at for letter in letters],
        signature.campaign_id,
        shard,
        counted,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        signature_id, letter_ids = cursor.fetchone()
    if signature_id is None:
        return None
    signature.pk = signature_id
    signature._state.adding = False
    return list(letter_ids)


def store_with_orm(signature: Signature, letters: list[Delivery], shard: int) -> list[int] | None:
    try:
        with transaction.atomic():
            # The insert goes first so that a duplicate aborts the transaction before anything else.
            signature.save(force_insert=True)
            for letter in letters:
                letter.signature = signature
            Delivery.objects.bulk_create(letters)
            if signature.status == SignatureStatus.CONFIRMED:
                add_to_counters(campaign_id=signature.campaign_id, signatures=1, shard=shard)
    except IntegrityError:
        if Signature.objects.filter(campaign_id=signature.campaign_id, email_hash=signature.email_hash).exists():
            return None
        raise
    return [letter.pk for letter in letters if letter.enqueued_at]
