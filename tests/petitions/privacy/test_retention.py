"""Signer data is anonymised after the retention period; counts and delivery records stay."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus
from petitions.delivery import sending
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from petitions.privacy import retention
from petitions.reporting.counters import recount_campaign
from tests.factories import live_campaign

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def sign(client, campaign, **overrides):
    data = {
        "first_name": "Aysel",
        "last_name": "Mammadova",
        "email": "aysel@example.net",
        "country": "AZ",
        "city": "Ganja",
        "organisation": "Oil Workers' Union",
        "message": "My brother is one of the four.\n\nRelease him.",
        "consent_to_contact": "on",
    } | overrides
    client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="203.0.113.9")
    return Signature.objects.with_email(data["email"]).get()


def send_all(campaign) -> None:
    for pk in Delivery.objects.filter(campaign=campaign).values_list("pk", flat=True):
        sending.send_delivery(delivery_id=pk)


def close(campaign, days_ago: int) -> None:
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    type(campaign).objects.filter(pk=campaign.pk).update(closed_at=NOW - timedelta(days=days_ago))


def test_signer_data_and_letter_traces_are_removed_after_the_period(client, campaign, mailoutbox):
    signature = sign(client, campaign)
    send_all(campaign)
    letter = Delivery.objects.get()
    assert "Aysel Mammadova" in letter.body
    close(campaign, days_ago=181)

    cleared = retention.anonymise_due_campaigns(now=NOW)

    signature.refresh_from_db()
    letter.refresh_from_db()
    assert cleared == 1
    personal = ("first_name", "last_name", "email", "city", "organisation", "message", "ip_hash", "consent_text")
    assert {field: getattr(signature, field) for field in personal} == dict.fromkeys(personal, "")
    assert signature.email_hash == f"anonymised-{signature.pk}"
    assert signature.anonymised_at == NOW
    assert (signature.country.code, signature.status) == ("AZ", "confirmed")
    for trace in ("Aysel", "Mammadova", "Ganja", "Oil Workers' Union", "My brother", "Release him"):
        assert trace not in letter.body
        assert trace not in letter.subject
    assert "Release the four trade unionists." in letter.body  # the campaign's own words stay
    assert "[removed]" in letter.body
    assert (letter.status, letter.message_id != "") == (DeliveryStatus.SENT, True)
    assert recount_campaign(campaign_id=campaign.pk).signatures == 1
    campaign.refresh_from_db()
    assert campaign.signer_data_anonymised_at == NOW


def test_nothing_happens_before_the_period_is_over(client, campaign):
    sign(client, campaign)
    close(campaign, days_ago=179)

    assert retention.anonymise_due_campaigns(now=NOW) == 0
    assert Signature.objects.get().first_name == "Aysel"


def test_campaigns_past_their_end_date_count_as_closed(client):
    campaign = live_campaign(starts_at=NOW - timedelta(days=400), ends_at=NOW - timedelta(days=200))
    type(campaign).objects.filter(pk=campaign.pk).update(ends_at=NOW - timedelta(days=200))
    Signature.objects.create(
        campaign=campaign, first_name="A", last_name="B", email="a@example.net", email_hash="x", country="GB"
    )

    assert retention.anonymise_due_campaigns(now=NOW) == 1


def test_retention_period_is_configurable(client, campaign, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    sign(client, campaign)
    close(campaign, days_ago=31)

    assert retention.anonymise_due_campaigns(now=NOW) == 1


def test_letters_still_waiting_are_cancelled_not_sent_unsigned(client, campaign):
    sign(client, campaign)
    close(campaign, days_ago=200)

    retention.anonymise_due_campaigns(now=NOW)

    letter = Delivery.objects.get()
    assert letter.status == DeliveryStatus.CANCELLED
    assert sending.send_delivery(delivery_id=letter.pk).status == "skipped"


def test_anonymising_twice_is_harmless_and_live_campaigns_are_untouched(client, campaign):
    other = live_campaign(slug="still-open")
    sign(client, campaign)
    kept = sign(client, other, email="kept@example.net")
    close(campaign, days_ago=200)
    retention.anonymise_due_campaigns(now=NOW)

    assert retention.anonymise_due_campaigns(now=NOW) == 0
    kept.refresh_from_db()
    assert (kept.first_name, kept.email) == ("Aysel", "kept@example.net")


def test_batches_cover_every_signature(client, campaign):
    for n in range(7):
        sign(client, campaign, email=f"s{n}@example.net")
    close(campaign, days_ago=200)

    assert retention.anonymise_due_campaigns(now=NOW, batch_size=3) == 7
    assert not Signature.objects.exclude(email="").exists()


def test_short_names_are_removed_only_as_whole_words(campaign):
    signature = Signature(first_name="Al", last_name="Li", country="GB", language="en")

    text = retention.redact("Also, Al Li signs.\nAl", signature)

    assert text == "Also, [removed] signs.\n[removed]"


def test_closing_a_campaign_records_when(campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()

    assert campaign.closed_at is not None


def test_beat_runs_the_task_on_the_beat_queue():
    from celery import Celery

    from outcry.celery import schedule_periodic_tasks

    app = Celery("schedule-only")
    schedule_periodic_tasks(app)
    entry = app.conf.beat_schedule["anonymise signer data after the retention period"]

    assert entry["task"] == "petitions.anonymise_closed_campaigns"
    assert entry["options"]["queue"] == "beat"


def test_the_signers_own_letter_and_paragraph_are_removed_too(client, campaign):
    campaign.signer_voice = "edit"
    campaign.save()
    own_body = "Dear {target_name},\n\nI nurse the sick in Ganja hospital.\nMy brother is in jail.\n\n{signer_signoff}"
    signature = sign(client, campaign, own_subject="A nurse of Ganja writes", own_body=own_body)
    send_all(campaign)
    letter = Delivery.objects.get()
    assert "I nurse the sick in Ganja hospital." in letter.body
    close(campaign, days_ago=181)

    retention.anonymise_due_campaigns(now=NOW)

    signature.refresh_from_db()
    letter.refresh_from_db()
    assert (signature.own_subject, signature.own_body, signature.own_paragraph) == ("", "", "")
    for trace in ("nurse the sick", "My brother is in jail", "A nurse of Ganja", "Aysel"):
        assert trace not in letter.body
        assert trace not in letter.subject
