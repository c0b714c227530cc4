"""The sender's two hot statements, one round trip each on PostgreSQL.

Every letter is claimed and loaded (with its signature, if it has one, target and campaign), then recorded sent
with its count. Through the ORM that was a conditional UPDATE, a four-table SELECT built anew for
every letter, and BEGIN, UPDATE, upsert, COMMIT: the drain benchmark (bench/README.md) measured the
ORM's query building alone at a third of a worker's time. Elsewhere (the embedded SQLite setup)
the ORM does the same work. Both paths are tested against each other.
"""

import functools
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Model

from campaigns.models import Campaign, Target
from petitions.delivery import leases
from petitions.enums import DeliveryStatus
from petitions.models import CounterShard, Delivery, Signature
from petitions.reporting.counters import add_to_counters

_LOADED = (Delivery, Signature, Target, Campaign)


def claim_and_load(delivery_id: int, now: datetime) -> Delivery | None:
    """queued -> sending with a lease, if due; the claimed letter with its relations, or None."""
    lease = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        return claim_and_load_in_one_statement(delivery_id, now, lease)
    return claim_and_load_with_orm(delivery_id, now, lease)


def claim_and_load_with_orm(delivery_id: int, now: datetime, lease: datetime) -> Delivery | None:
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease, leased_by=leases.holder()
    )
    return Delivery.objects.select_related("campaign", "target", "signature").get(pk=delivery_id) if claimed else None


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)


@functools.cache
def _row_reader(model: type[Model]) -> tuple[list[str], list]:
    """Per model, once per process: the attribute names and the converters (None where a value
    needs none) that turn its columns into an instance, as the ORM would."""
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], [getattr(f, "from_db_value", None) for f in fields]


def _instance(model: type[Model], values: tuple):
    attnames, converters = _row_reader(model)
    converted = [
        value if convert is None else convert(value, None, connection)
        for convert, value in zip(converters, values, strict=True)
    ]
    return model.from_db(connection.alias, attnames, converted)


@functools.cache
def _claim_sql() -> str:
    """Built once per process: four tables' column lists, quoted, for every letter otherwise."""
    return f"""
        WITH claimed AS (
            UPDATE {Delivery._meta.db_table}
            SET status = %s, attempts = attempts + 1, lease_expires_at = %s, leased_by = %s
            WHERE id = %s AND status = %s AND next_attempt_at <= %s
            RETURNING *
        )
        SELECT {_columns(Delivery, "d")}, {_columns(Signature, "s")}, {_columns(Target, "t")}, {_columns(Campaign, "c")}
        FROM claimed d
        LEFT JOIN {Signature._meta.db_table} s ON s.id = d.signature_id
        JOIN {Target._meta.db_table} t ON t.id = d.target_id
        JOIN {Campaign._meta.db_table} c ON c.id = d.campaign_id
    """  # noqa: S608 - identifiers come from the models; every value is a parameter


def claim_and_load_in_one_statement(delivery_id: int, now: datetime, lease: datetime) -> Delivery | None:
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(), [DeliveryStatus.SENDING, lease, leases.holder(), delivery_id, DeliveryStatus.QUEUED, now]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model in _LOADED:
        width = len(model._meta.concrete_fields)
        instances.append(_instance(model, row[start : start + width]))
        start += width
    delivery, signature, target, campaign = instances
    if signature.pk is None:  # a digest letter names many signers and belongs to none
        signature = None
    else:
        signature.campaign = campaign
    target.campaign = campaign
    delivery.signature, delivery.target, delivery.campaign = signature, target, campaign
    return delivery


def record_sent(delivery: Delivery, *, message_id: str, sent_at: datetime) -> bool:
    """sending -> sent with the text, time and provider id, and +1 letters sent, all or nothing."""
    values = {
        "status": DeliveryStatus.SENT,
        "subject": delivery.subject,
        "body": delivery.body,
        "subject_variant": delivery.subject_variant,
        "body_variant": delivery.body_variant,
        "sent_at": sent_at,
        "message_id": message_id[:255],
        "lease_expires_at": None,
        "last_error": "",
    }
    shard = random.randrange(settings.COUNTER_SHARDS)
    if connection.vendor == "postgresql":
        return record_sent_in_one_statement(delivery, values, shard)
    return record_sent_with_orm(delivery, values, shard)


def record_sent_with_orm(delivery: Delivery, values: dict, shard: int) -> bool:
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**values)
        if updated:
            add_to_counters(campaign_id=delivery.campaign_id, emails_sent=1, shard=shard)
    return bool(updated)


def record_sent_in_one_statement(delivery: Delivery, values: dict, shard: int) -> bool:
    # Through the fields, as the ORM would: the letter's text is encrypted at rest.
    params = [Delivery._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(_record_sent_sql(tuple(values)), [*params, delivery.pk, DeliveryStatus.SENDING, shard])
        return bool(cursor.fetchone()[0])


@functools.cache
def _record_sent_sql(names: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in names)
    table = CounterShard._meta.db_table
    return f"""
        WITH sent AS (
            UPDATE {Delivery._meta.db_table} SET {assignments}
            WHERE id = %s AND status = %s
            RETURNING campaign_id
        ), counted AS (
            INSERT INTO {table} (campaign_id, shard, signatures, emails_sent)
            SELECT campaign_id, %s, 0, 1 FROM sent
            ON CONFLICT (campaign_id, shard) DO UPDATE SET emails_sent = {table}.emails_sent + 1
        )
        SELECT count(*) FROM sent
    """  # noqa: S608 - identifiers come from the models; every value is a parameter
