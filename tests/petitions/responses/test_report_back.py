"""A report-back: a published response emailed once to each signer who agreed to be contacted, in
their language, with the organiser's public text and never the reply itself; a worker that stops
midway is followed by one that starts after the last signer reached."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from petitions.enums import SignatureStatus
from petitions.models import ReportBack, Response
from petitions.responses import report_back
from petitions.responses.forwarding import owed_forwards
from tests.factories import SignatureFactory, live_campaign, queue_letters

pytestmark = pytest.mark.django_db

REPLY = "We have your letter.\n\nOn Monday Bob wrote:\n> Release them."
PUBLIC = "The administration says it will review the four cases."


@pytest.fixture
def campaign():
    campaign = live_campaign(name="Free the four")
    template = campaign.templates.get()
    template.page_title = "Free the workers' four"  # an apostrophe, as a subject writes it
    template.save()
    return campaign


@pytest.fixture
def response(campaign) -> Response:
    return Response.objects.create(
        campaign=campaign,
        target=campaign.targets.get(),
        text=REPLY,
        dedupe_key="k1",
        public_text=PUBLIC,
        published_on=timezone.localdate(),
    )


def signer(campaign, **kwargs):
    return SignatureFactory(campaign=campaign, consent_to_contact=True, **kwargs)


def test_only_consenting_signers_with_an_address_who_still_count_are_written_to(campaign):
    wanted = {signer(campaign).pk, signer(campaign, status=SignatureStatus.PAPER).pk}
    SignatureFactory(campaign=campaign, consent_to_contact=False)
    signer(campaign, status=SignatureStatus.PENDING)
    signer(campaign, status=SignatureStatus.HELD)
    signer(campaign, anonymised_at=timezone.now())
    signer(campaign, erasure_requested_at=timezone.now())
    signer(campaign, status=SignatureStatus.PAPER, email="", email_hash="paper-0123")
    signer(live_campaign())  # another campaign's

    assert set(report_back.recipients(campaign.pk).values_list("pk", flat=True)) == wanted


def test_each_consenting_signer_gets_the_public_text_once_in_their_language(campaign, response):
    english, azerbaijani = signer(campaign, email="en@example.net"), signer(campaign, language="az", email="az@x.net")
    SignatureFactory(campaign=campaign, consent_to_contact=False, email="no@example.net")

    report, created = report_back.request_report_back(response)
    assert created
    assert report_back.send_report_back(report.pk) == 2
    assert report_back.send_report_back(report.pk) == 0  # finished: nobody twice
    assert report_back.request_report_back(response) == (report, False)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"en@example.net", "az@x.net"}
    for message in by_address.values():
        assert PUBLIC in message.body
        assert "Release them" not in message.body
        assert "We have your letter" not in message.body
        assert f"/c/{campaign.slug}/" in message.body  # in the signer's language: /en/c/..., /az/c/...
        assert "/my-data/" in message.body
    assert by_address["en@example.net"].subject.endswith(campaign.templates.get().page_title)
    assert f"/az/c/{campaign.slug}/" in by_address["az@x.net"].body
    assert "agreed to hear from" in by_address["en@example.net"].body
    assert "agreed to hear from" not in by_address["az@x.net"].body  # written in Azerbaijani
    assert by_address["az@x.net"].body.startswith(f"Hörmətli {azerbaijani.first_name}")
    assert english.email not in by_address["az@x.net"].body
    report.refresh_from_db()
    assert (report.sent, report.skipped, report.finished_at is not None) == (2, 0, True)


def test_an_unpublished_response_is_not_reported_back(response):
    response.published_on = None
    response.save()

    with pytest.raises(report_back.NotPublished):
        report_back.request_report_back(response)
    assert not ReportBack.objects.exists()


def test_a_worker_that_stopped_midway_is_followed_after_the_last_signer_it_reached(campaign, response):
    first, second, third = (signer(campaign) for _ in range(3))
    report = ReportBack.objects.create(response=response, next_signature_id=first.pk + 1, sent=1)

    assert report_back.send_report_back(report.pk) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([second.email, third.email])
    report.refresh_from_db()
    assert report.sent == 3


def test_a_report_back_held_by_a_live_worker_is_left_to_it_and_the_sweeper_takes_a_dead_ones(campaign, response):
    signer(campaign)
    now = timezone.now()
    report = ReportBack.objects.create(
        response=response, requested_at=now - timedelta(hours=1), lease_expires_at=now + timedelta(minutes=3)
    )

    assert report_back.send_report_back(report.pk) == 0
    assert mail.outbox == []
    assert report_back.owed_report_backs() == []
    assert report_back.owed_report_backs(now=now + timedelta(minutes=4)) == [report.pk]
    assert report_back.send_report_back(report.pk, now=now + timedelta(minutes=4)) == 1


def test_a_reply_whose_forward_was_lost_is_owed_until_it_goes(campaign):
    signature = signer(campaign, forward_replies=True)
    queue_letters(signature=signature)
    old = timezone.now() - timedelta(hours=1)
    lost = Response.objects.create(
        campaign=campaign,
        target=campaign.targets.get(),
        delivery=signature.deliveries.get(),
        dedupe_key="lost",
        received_at=old,
    )
    Response.objects.create(
        campaign=campaign,
        target=lost.target,
        delivery=lost.delivery,
        dedupe_key="auto",
        automatic=True,
        received_at=old,
    )
    Response.objects.create(
        campaign=campaign, target=lost.target, delivery=lost.delivery, dedupe_key="new"
    )  # just arrived: its own message is on its way

    assert owed_forwards() == [lost.pk]
