"""Responses in the admin: read by the roles that see signers, published only in reviewed words, and
the campaign page shows those words and nothing else of the reply."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import Role
from campaigns.models import Membership
from campaigns.selectors import forget_campaign_pages
from petitions.models import ReportBack, Response
from petitions.responses.report_back import send_report_back
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

REPLY = "The administration will review the case.\n\nOn Monday Alphasigner Alphason wrote:\n> Alphaville letter"


@pytest.fixture
def reply(alpha) -> Response:
    alpha.response.text = REPLY
    alpha.response.save()
    return alpha.response


def change_url(response: Response) -> str:
    return reverse("admin:petitions_response_change", args=[response.pk])


def test_a_campaigner_reads_the_reply_with_the_warning_and_a_draft_without_quotes(alice_client, reply):
    listing = alice_client.get(reverse("admin:petitions_response_changelist")).content.decode()
    page = alice_client.get(change_url(reply)).content.decode()

    assert "Alpha Minister" in listing
    assert "Alphaville letter" in page  # the reply itself, decrypted, for her to read
    assert "the letter names its signer" in page
    draft = page.split('name="public_text"')[1].split("</textarea>")[0]
    assert "The administration will review the case." in draft
    assert "Alphason" not in draft
    assert "Alphaville" not in draft


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TRANSLATOR])
def test_roles_that_do_not_see_signers_do_not_reach_responses(alice_client, alice, alpha, reply, role):
    Membership.objects.filter(user=alice, organisation=alpha.organisation).update(role=role)

    assert alice_client.get(change_url(reply)).status_code in (302, 403, 404)
    listing = alice_client.get(reverse("admin:petitions_response_changelist"))
    assert listing.status_code == 403 or "Alpha Minister" not in listing.content.decode()


def publish(client, response, *, text, reviewed):
    form = {"public_text": text, "published_on": timezone.localdate().isoformat()}
    if reviewed:
        form["reviewed"] = "on"
    return client.post(change_url(response), form)


def test_publishing_needs_the_text_reviewed_and_then_the_page_shows_it_alone(alice_client, client, alpha, reply):
    refused = publish(alice_client, reply, text="The administration will review the case.", reviewed=False)
    assert refused.status_code == 200
    assert "confirm it before publishing" in refused.content.decode()
    reply.refresh_from_db()
    assert not reply.is_published

    published = publish(alice_client, reply, text="The administration will review the case.", reviewed=True)
    assert published.status_code == 302
    forget_campaign_pages()

    alice_client.logout()
    page = client.get(reverse("petitions:campaign", kwargs={"slug": alpha.campaign.slug})).content.decode()
    assert "Responses from the targets" in page
    assert "The administration will review the case." in page
    assert "Alpha Minister" in page
    for private in ("Alphason", "Alphasigner", "Alphaville letter", "Re: alpha letter", "minister@alpha"):
        assert private not in page


def test_an_unpublished_response_leaves_the_page_without_the_section(client, alpha, reply):
    page = client.get(reverse("petitions:campaign", kwargs={"slug": alpha.campaign.slug})).content.decode()

    assert "Responses from the targets" not in page
    assert "review the case" not in page


def report_back_action(client, response, **extra):
    return client.post(
        reverse("admin:petitions_response_changelist"),
        {"action": "email_report_back", "_selected_action": [response.pk], **extra},
    )


def test_a_report_back_asks_first_with_the_numbers_then_emails_consenting_signers_once(
    alice_client, alpha, reply, mailoutbox
):
    alpha.signature.consent_to_contact = True
    alpha.signature.save()
    SignatureFactory(campaign=alpha.campaign, consent_to_contact=False)
    unpublished = report_back_action(alice_client, reply).content.decode()
    assert "Not published, so not emailed: 1." in unpublished
    report_back_action(alice_client, reply, confirmed="yes")
    assert not ReportBack.objects.exists()
    published = publish(alice_client, reply, text="The administration will review the case.", reviewed=True)
    assert published.status_code == 302

    asked = report_back_action(alice_client, reply).content.decode()
    assert "Email a report-back?" in asked
    assert "get the public text by email, in their language: 1." in asked
    assert not ReportBack.objects.exists()

    report_back_action(alice_client, reply, confirmed="yes")
    report = ReportBack.objects.get(response=reply)
    send_report_back(report.pk)  # what the worker does with the queued id
    assert [message.to for message in mailoutbox] == [["alpha.signer@example.net"]]
    assert "The administration will review the case." in mailoutbox[0].body
    assert "Alphaville letter" not in mailoutbox[0].body
    page = alice_client.get(change_url(reply)).content.decode()
    assert "Emailed to 1 signer. Finished" in page

    again = report_back_action(alice_client, reply).content.decode()
    assert "Already reported back, not emailed again: 1." in again
    report_back_action(alice_client, reply, confirmed="yes")
    assert ReportBack.objects.count() == 1


def test_a_report_back_with_nobody_to_email_cannot_be_confirmed_and_stays_possible(alice_client, alpha, reply):
    publish(alice_client, reply, text="The administration will review the case.", reviewed=True)

    asked = report_back_action(alice_client, reply).content.decode()
    assert "there is nobody to email: it can be sent later" in asked
    assert 'value="Yes, email the signers" disabled' in asked
    report_back_action(alice_client, reply, confirmed="yes")
    assert not ReportBack.objects.exists()
