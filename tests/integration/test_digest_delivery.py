"""Digest mode end to end: beat writes the digest of an ended hour and the worker sends it once."""

from datetime import timedelta

import pytest

from campaigns.enums import DeliveryMode, DigestPeriod
from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from petitions.signing.service import sign_petition
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration

SIGNERS = [
    {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"},
    {"first_name": "Aylin", "last_name": "Kaya", "email": "aylin@example.net", "country": "TR"},
]


def test_digest_of_last_hour_reaches_the_target_once(letter_campaign, smtp_server, celery_worker):
    letter_campaign.delivery_mode, letter_campaign.digest_period = DeliveryMode.DIGEST, DigestPeriod.HOUR
    letter_campaign.save()
    target = letter_campaign.targets.get()
    for data in SIGNERS:
        sign_petition(campaign=letter_campaign, data=data, language="en", client_ip=None)
    # Signed in the hour before last: that period has ended.
    two_hours_ago = Delivery.objects.first().created_at - timedelta(hours=2)
    Delivery.objects.filter(campaign=letter_campaign).update(created_at=two_hours_ago)

    letters = smtp_server.wait_for_messages(1, then_quiet_for=3.0)
    digest = wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, signature=None, status=DeliveryStatus.SENT).first(),
        timeout=10,
        what="the digest to be recorded as sent",
    )

    assert len(letters) == 1
    assert letters[0].rcpt_tos == [target.email]
    text = letters[0].message.get_body(("plain",)).get_content()
    assert "Signed by 2 people" in text
    assert "Bob Builder - United Kingdom\nAylin Kaya - Türkiye" in text
    assert set(Delivery.objects.filter(signature__isnull=False).values_list("status", "digest")) == {
        (DeliveryStatus.DIGESTED, digest.pk)
    }
