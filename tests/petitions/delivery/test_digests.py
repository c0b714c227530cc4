"""Digest mode: one letter per target and period naming every new signer, sent and counted once."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from campaigns.enums import DeliveryMode, DigestPeriod
from petitions.abuse.moderation import mark_signatures_as_spam, release_signatures
from petitions.core.periods import period_of
from petitions.delivery.digests import compose_digests
from petitions.delivery.sending import send_delivery
from petitions.delivery.sweep import sweep_deliveries
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition

pytestmark = pytest.mark.django_db

SIGNERS = [
    {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB", "city": "Leeds",
     "organisation": "Unite", "message": "Free them now."},
    {"first_name": "Aylin", "last_name": "Kaya", "email": "aylin@example.net", "country": "TR", "organisation": "DISK"},
    {"first_name": "Carmen", "last_name": "Ruiz", "email": "carmen@example.net", "country": "ES",
     "message": "Solidarity from Madrid."},
]  # fmt: skip


@pytest.fixture
def digest_campaign(campaign):
    campaign.delivery_mode = DeliveryMode.DIGEST
    campaign.digest_period = DigestPeriod.DAY
    campaign.save()
    return campaign


def sign_all(campaign, signers=SIGNERS):
    for data in signers:
        sign_petition(campaign=campaign, data=data, language="en", client_ip=None)


def next_day():
    return timezone.now() + timedelta(days=1)


def test_digest_mode_signing_counts_the_signer_and_sends_nothing_yet(
    digest_campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_all(digest_campaign)

    letters = Delivery.objects.filter(campaign=digest_campaign)
    assert sorted(letters.values_list("status", flat=True)) == [DeliveryStatus.BATCHED] * 3
    assert set(letters.values_list("enqueued_at", flat=True)) == {None}
    assert sweep_deliveries(now=next_day()).enqueued == 0
    counters = campaign_counters(digest_campaign)
    assert (counters.signatures, counters.emails_sent) == (3, 0)


def test_compose_digests_waits_until_the_period_has_ended(digest_campaign):
    sign_all(digest_campaign)

    assert compose_digests(now=timezone.now()) == 0
    assert Delivery.objects.filter(signature__isnull=True).count() == 0


def test_digest_names_every_signer_of_the_day_with_their_messages(digest_campaign):
    sign_all(digest_campaign)
    target = digest_campaign.targets.get()
    day = period_of(timezone.now(), period=DigestPeriod.DAY, zone_name=target.timezone).label()

    assert compose_digests(now=next_day()) == 1
    digest = Delivery.objects.get(signature__isnull=True)
    result = send_delivery(delivery_id=digest.pk, now=next_day())

    assert result.status == DeliveryStatus.SENT
    [letter] = mail.outbox
    assert letter.subject == f"Release the jailed trade unionists (3 signers, {day})"
    assert letter.from_email == "Workers' Table Solidarity via Outcry <letters@outcry.example.org>"
    assert letter.to == [f"Presidential Administration <{target.email}>"]
    assert letter.body == (
        "Dear Presidential Administration,\n\nRelease the four trade unionists.\n\nYours,\n"
        f"Signed by 3 people ({day}):\n\n"
        "Bob Builder - Unite, Leeds, United Kingdom\n"
        "Aylin Kaya - DISK, Türkiye\n"
        "Carmen Ruiz - Spain\n\n"
        "Personal messages from the signers:\n\n"
        "Bob Builder (United Kingdom):\nFree them now.\n\n"
        "Carmen Ruiz (Spain):\nSolidarity from Madrid.\n"
    )
    assert "@example.net" not in letter.message().as_string()


def test_digest_is_one_letter_on_the_counter_and_its_signers_point_at_it(digest_campaign):
    sign_all(digest_campaign)
    compose_digests(now=next_day())
    digest = Delivery.objects.get(signature__isnull=True)

    send_delivery(delivery_id=digest.pk, now=next_day())

    entries = Delivery.objects.filter(signature__isnull=False)
    assert set(entries.values_list("status", "digest")) == {(DeliveryStatus.DIGESTED, digest.pk)}
    counters = campaign_counters(digest_campaign)
    assert (counters.signatures, counters.emails_sent) == (3, 1)


def test_compose_digests_twice_writes_each_digest_once(digest_campaign):
    sign_all(digest_campaign)

    first, second = compose_digests(now=next_day()), compose_digests(now=next_day())

    assert (first, second) == (1, 0)


def test_compose_digests_writes_one_digest_per_period(digest_campaign):
    sign_all(digest_campaign)
    bob = Delivery.objects.get(signature=Signature.objects.named("Bob").get())
    Delivery.objects.filter(pk=bob.pk).update(created_at=bob.created_at - timedelta(days=2))

    compose_digests(now=next_day())

    digests = Delivery.objects.filter(signature__isnull=True).order_by("created_at", "pk")
    assert [d.subject.split("(")[1].split(" ")[0] for d in digests] == ["1", "2"]


@override_settings(DIGEST_MAX_SIGNERS=2)
def test_compose_digests_splits_a_large_period_into_parts(digest_campaign):
    sign_all(digest_campaign)

    assert compose_digests(now=next_day()) == 2

    subjects = Delivery.objects.filter(signature__isnull=True).order_by("pk").values_list("subject", flat=True)
    assert [subject.split("(")[1].split(",")[:2] for subject in subjects] == [
        ["2 signers", " part 1 of 2"],
        ["1 signer", " part 2 of 2"],
    ]


def test_compose_digests_leaves_out_a_signature_rejected_meanwhile(digest_campaign):
    sign_all(digest_campaign)
    Signature.objects.named("Aylin").update(status=SignatureStatus.REJECTED)

    compose_digests(now=next_day())

    digest = Delivery.objects.get(signature__isnull=True)
    assert "Aylin" not in digest.body
    assert Delivery.objects.get(signature=Signature.objects.named("Aylin").get()).status == DeliveryStatus.CANCELLED


def test_digest_to_a_paced_target_waits_for_the_dispatcher(digest_campaign):
    digest_campaign.targets.update(hourly_cap=60)
    sign_all(digest_campaign)

    compose_digests(now=next_day())

    digest = Delivery.objects.get(signature__isnull=True)
    assert (digest.status, digest.enqueued_at) == (DeliveryStatus.QUEUED, None)


def test_deactivating_a_target_cancels_letters_waiting_for_a_digest(digest_campaign):
    sign_all(digest_campaign)
    target = digest_campaign.targets.get()

    target.is_active = False
    target.save()

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    assert compose_digests(now=next_day()) == 0


def test_switching_back_to_one_letter_per_signer_queues_the_waiting_letters(digest_campaign):
    sign_all(digest_campaign)
    digest_campaign.delivery_mode = DeliveryMode.SINGLE
    digest_campaign.save()

    compose_digests(now=timezone.now())

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}
    assert sweep_deliveries(now=next_day()).enqueued == 3


def test_period_of_an_hour_and_of_a_local_day():
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.get_fixed_timezone(0))

    hour = period_of(moment, period=DigestPeriod.HOUR, zone_name="Europe/London")
    day = period_of(moment, period=DigestPeriod.DAY, zone_name="Europe/London")

    # The clocks went forward at 01:00 UTC that day: 02:30 in London, a 23-hour day.
    assert hour.label() == "2026-03-29 02:00-03:00 (Europe/London)"
    assert day.label() == "2026-03-29 (Europe/London)"
    assert day.end - day.start == timedelta(hours=23)


def test_marking_a_signer_as_spam_cancels_their_letter_waiting_for_a_digest(digest_campaign):
    sign_all(digest_campaign)
    aylin = Signature.objects.named("Aylin").get()

    mark_signatures_as_spam(signature_ids=[aylin.pk])
    compose_digests(now=next_day())

    assert Delivery.objects.get(signature=aylin).status == DeliveryStatus.CANCELLED
    assert "Aylin" not in Delivery.objects.get(signature__isnull=True).body


def test_releasing_a_spam_mark_in_digest_mode_waits_for_the_next_digest(digest_campaign):
    sign_all(digest_campaign)
    aylin = Signature.objects.named("Aylin").get()
    mark_signatures_as_spam(signature_ids=[aylin.pk])

    release_signatures(signature_ids=[aylin.pk])

    letter = Delivery.objects.get(signature=aylin)
    assert (letter.status, letter.enqueued_at) == (DeliveryStatus.BATCHED, None)


def test_test_letter_of_a_digest_campaign_is_a_sample_digest(digest_campaign):
    from petitions.mail.letters import build_test_letter

    letter = build_test_letter(
        campaign=digest_campaign, target=digest_campaign.targets.get(), to_email="alice@union.example.org"
    )

    assert letter.subject.startswith("[Test] Release the jailed trade unionists (2 signers, ")
    assert "Signed by 2 people" in letter.body
    assert "Jane Doe - Unite the Union, Leeds, United Kingdom\nAli Yilmaz - Izmir, Türkiye" in letter.body
    assert letter.to == ["alice@union.example.org"]
