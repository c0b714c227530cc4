"""The two ways of storing a signature (one PostgreSQL statement, or the ORM) write the same rows."""

import pytest
from django.utils import timezone

from petitions.core.hashing import email_hash
from petitions.delivery.queueing import letters_for
from petitions.enums import DeliveryStatus
from petitions.models import CounterShard, Delivery, Signature
from petitions.signing.storage import store_in_one_statement, store_with_orm
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

STORES = [store_in_one_statement, store_with_orm]


def new_signature(campaign, email="bob@example.net") -> Signature:
    now = timezone.now()
    return Signature(
        campaign=campaign,
        first_name="Bob",
        last_name="Builder",
        email=email,
        email_hash=email_hash(email),
        country="GB",
        language="en",
        created_at=now,
        confirmed_at=now,
    )


def row_values(model, **filters) -> list[dict]:
    ignored = {"id", "signature_id", "signature", "created_at", "confirmed_at", "next_attempt_at", "enqueued_at"}
    return [{k: v for k, v in row.items() if k not in ignored} for row in model.objects.filter(**filters).values()]


@pytest.mark.parametrize("store", STORES)
def test_store_writes_signature_letters_and_count(store, campaign):
    TargetFactory(campaign=campaign)
    signature = new_signature(campaign)

    letter_ids = store(signature, letters_for(signature, now=timezone.now()), 3)

    assert signature.pk is not None
    assert sorted(letter_ids) == sorted(Delivery.objects.filter(signature=signature).values_list("pk", flat=True))
    assert len(letter_ids) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}
    assert CounterShard.objects.get(campaign=campaign, shard=3).signatures == 1


@pytest.mark.parametrize("store", STORES)
def test_store_returns_none_and_writes_nothing_for_a_repeat(store, campaign):
    first = new_signature(campaign)
    store(first, letters_for(first, now=timezone.now()), 0)
    again = new_signature(campaign)

    result = store(again, letters_for(again, now=timezone.now()), 0)

    assert result is None
    assert Signature.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert CounterShard.objects.get(campaign=campaign, shard=0).signatures == 1


def test_both_stores_write_the_same_rows(campaign):
    one = new_signature(campaign, "one@example.net")
    store_in_one_statement(one, letters_for(one, now=timezone.now()), 1)
    orm = new_signature(campaign, "orm@example.net")
    store_with_orm(orm, letters_for(orm, now=timezone.now()), 1)

    [sql_row] = row_values(Signature, pk=one.pk)
    [orm_row] = row_values(Signature, pk=orm.pk)
    assert {k: v for k, v in sql_row.items() if "email" not in k} == {
        k: v for k, v in orm_row.items() if "email" not in k
    }
    assert row_values(Delivery, signature=one) == row_values(Delivery, signature=orm)


@pytest.mark.parametrize("store", STORES)
def test_store_keeps_a_held_signature_uncounted_and_without_letters(store, campaign):
    from petitions.enums import SignatureStatus

    held = new_signature(campaign)
    held.status, held.confirmed_at, held.hold_reasons = SignatureStatus.HELD, None, "honeypot"

    result = store(held, [], 2)

    assert result == []
    assert Signature.objects.get().status == SignatureStatus.HELD
    assert Delivery.objects.count() == 0
    assert not CounterShard.objects.filter(campaign=campaign, signatures__gt=0).exists()


def test_both_stores_write_the_same_held_rows(campaign):
    from petitions.enums import SignatureStatus

    rows = []
    for store, email in ((store_in_one_statement, "one@example.net"), (store_with_orm, "orm@example.net")):
        held = new_signature(campaign, email)
        held.status, held.confirmed_at, held.hold_reasons = SignatureStatus.HELD, None, "too_fast"
        store(held, [], 1)
        [row] = row_values(Signature, pk=held.pk)
        rows.append({k: v for k, v in row.items() if "email" not in k})

    assert rows[0] == rows[1]
    assert rows[0]["status"] == SignatureStatus.HELD
