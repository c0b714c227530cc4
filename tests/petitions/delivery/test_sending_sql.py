"""The sender's statements: one PostgreSQL round trip each, or the ORM; both do the same."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions.delivery.sending_sql import (
    claim_and_load_in_one_statement,
    claim_and_load_with_orm,
    record_sent_in_one_statement,
    record_sent_with_orm,
)
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.reporting.counters import recount_campaign
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

CLAIMS = [claim_and_load_in_one_statement, claim_and_load_with_orm]
RECORDS = [record_sent_in_one_statement, record_sent_with_orm]


@pytest.fixture
def letter(campaign):
    TargetFactory(
        campaign=campaign, name="Second", skip_dates=["2026-12-31"], holiday_country="ES", holiday_subdivision="CT"
    )
    data = {"first_name": "Bob", "last_name": "B", "email": "bob@example.net", "country": "GB"}
    sign_petition(campaign=campaign, data=data, language="en", client_ip=None)
    return Delivery.objects.get(target__name="Second")


@pytest.mark.parametrize("claim", CLAIMS)
def test_claim_takes_a_due_letter_once_with_its_relations(claim, letter):
    now = timezone.now()
    lease = now + timedelta(minutes=5)

    first = claim(letter.pk, now, lease)
    second = claim(letter.pk, now, lease)

    assert second is None
    assert (first.pk, first.status, first.attempts, first.lease_expires_at) == (
        letter.pk,
        DeliveryStatus.SENDING,
        1,
        lease,
    )
    assert first.signature.first_name == "Bob"
    assert first.target.skip_dates == ["2026-12-31"]  # JSON decoded as the ORM would
    assert (first.target.holiday_country, first.target.holiday_subdivision) == ("ES", "CT")
    assert first.campaign.slug == letter.campaign.slug
    assert first.signature.campaign_id == first.campaign.pk


@pytest.mark.parametrize("claim", CLAIMS)
def test_claim_leaves_a_letter_that_is_not_due(claim, letter):
    Delivery.objects.filter(pk=letter.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))

    assert claim(letter.pk, timezone.now(), timezone.now()) is None
    assert Delivery.objects.get(pk=letter.pk).status == DeliveryStatus.QUEUED


@pytest.mark.parametrize("record", RECORDS)
def test_record_sent_stores_the_outcome_and_counts_it_once(record, letter):
    claimed = claim_and_load_with_orm(letter.pk, timezone.now(), timezone.now() + timedelta(minutes=5))
    claimed.subject, claimed.body = "Subject", "Body\n"
    values = {
        "status": DeliveryStatus.SENT,
        "subject": claimed.subject,
        "body": claimed.body,
        "sent_at": timezone.now(),
        "message_id": "<x@y>",
        "lease_expires_at": None,
        "last_error": "",
    }

    assert record(claimed, values, 2) is True
    assert record(claimed, values, 2) is False  # no longer sending: not counted twice

    stored = Delivery.objects.get(pk=letter.pk)
    assert (stored.status, stored.subject, stored.body, stored.message_id) == (
        DeliveryStatus.SENT,
        "Subject",
        "Body\n",
        "<x@y>",
    )
    assert campaign_counters(letter.campaign).emails_sent == 1
    assert recount_campaign(campaign_id=letter.campaign_id).emails_sent_drift == 0


@pytest.mark.parametrize("claim", CLAIMS)
def test_claim_loads_a_digest_letter_without_a_signature(claim, campaign):
    digest = Delivery.objects.create(
        campaign=campaign, target=campaign.targets.get(), signature=None, subject="Digest", body="Signed by 3 people"
    )
    now = timezone.now()

    claimed = claim(digest.pk, now, now + timedelta(minutes=5))

    assert (claimed.pk, claimed.status, claimed.signature, claimed.is_digest) == (
        digest.pk,
        DeliveryStatus.SENDING,
        None,
        True,
    )
    assert claimed.target.campaign.slug == campaign.slug
