"""Signing through the campaign page, as a signer's browser does it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.selectors import forget_campaign_pages
from petitions.core.hashing import ip_hash
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.public import campaign_counters
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def sign(client, campaign, data, **extra):
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="203.0.113.7", **extra)


def test_campaign_page_shows_story_letter_counters_and_form(client, campaign):
    response = client.get(reverse("petitions:campaign", args=[campaign.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Four trade unionists are in jail for organising." in page
    assert "Release the jailed trade unionists" in page  # the letter's subject
    assert "Presidential Administration" in page  # who it goes to
    assert 'data-counter="total"' in page
    assert '<progress class="goal-progress"' in page
    for field in ("first_name", "last_name", "email", "country", "organisation", "message", "consent_to_contact"):
        assert f'name="{field}"' in page
    assert 'name="consent_to_contact"' in page
    assert "checked" not in page.split('name="consent_to_contact"')[1][:80]


def test_sign_stores_signature_and_queues_one_letter_per_target(
    client, campaign, bob_form, django_capture_on_commit_callbacks
):
    TargetFactory(campaign=campaign, name="Second target")

    with django_capture_on_commit_callbacks() as callbacks:
        response = sign(client, campaign, bob_form)

    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:share", args=[campaign.slug])
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name, signature.email) == ("Bob", "Builder", "bob.builder@example.net")
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.consent_to_contact is True
    assert signature.consent_text.startswith("Keep me informed")
    assert signature.ip_hash == ip_hash("203.0.113.7")
    assert "203.0.113.7" not in signature.ip_hash
    assert sorted(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.QUEUED] * 2
    assert len(callbacks) == 1  # the enqueue, after commit


def test_sign_counts_the_signature(client, campaign, bob_form):
    sign(client, campaign, bob_form)

    assert campaign_counters(campaign).signatures == 1


def test_sign_again_with_same_email_shows_same_page_and_sends_nothing_new(client, campaign, bob_form):
    first = sign(client, campaign, bob_form)
    again = sign(client, campaign, bob_form | {"email": "  BOB.builder@example.NET", "first_name": "Robert"})

    assert again.status_code == first.status_code == 302
    assert again["Location"] == first["Location"]
    assert Signature.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert campaign_counters(campaign).signatures == 1


def test_sign_with_invalid_input_keeps_what_was_typed_and_stores_nothing(client, campaign, bob_form):
    response = sign(client, campaign, bob_form | {"email": "not-an-email", "last_name": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "This field is required." in page
    assert 'value="Bob"' in page  # first name kept
    assert "Unite the Union" in page
    assert Signature.objects.count() == 0


def test_sign_records_the_partner_reference(client, campaign, bob_form):
    client.post(reverse("petitions:campaign", args=[campaign.slug]) + "?ref=itf", bob_form)

    assert Signature.objects.get().source == "itf"


def test_thanks_page_has_share_links_and_no_personal_data(client, campaign, bob_form):
    sign(client, campaign, bob_form)

    response = client.get(reverse("petitions:share", args=[campaign.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "wa.me" in page
    assert "t.me/share" in page
    assert "bob.builder" not in page.lower()
    assert "203.0.113.7" not in page


@pytest.mark.parametrize(
    ("status", "starts_in_days", "expected"),
    [
        (CampaignStatus.PAUSED, -1, "paused"),
        (CampaignStatus.CLOSED, -1, "closed"),
        (CampaignStatus.LIVE, 2, "opens on"),
    ],
)
def test_not_open_campaign_says_so_and_accepts_nothing(client, campaign, bob_form, status, starts_in_days, expected):
    campaign.status = status
    campaign.starts_at = timezone.now() + timedelta(days=starts_in_days)
    campaign.save()

    page = client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()
    response = sign(client, campaign, bob_form)

    assert expected in page
    assert '<form method="post"' not in page
    assert response.status_code == 200
    assert "not accepting signatures" in response.content.decode()
    assert Signature.objects.count() == 0


def test_draft_campaign_is_not_public(client, campaign):
    campaign.status = CampaignStatus.DRAFT
    campaign.save()

    assert client.get(reverse("petitions:campaign", args=[campaign.slug])).status_code == 404


def test_deactivated_target_gets_no_letter(client, campaign, bob_form):
    campaign.targets.update(is_active=False)
    TargetFactory(campaign=campaign, name="Still active")

    sign(client, campaign, bob_form)

    assert list(Delivery.objects.values_list("target__name", flat=True)) == ["Still active"]


def test_message_field_hidden_when_campaign_disallows_it(client, campaign, bob_form):
    campaign.allow_personal_message = False
    campaign.save()

    page = client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()
    sign(client, campaign, bob_form)

    assert 'name="message"' not in page
    assert Signature.objects.get().message == ""


def test_home_lists_live_campaigns_only(client, campaign):
    draft = type(campaign).objects.create(
        organisation=campaign.organisation, name="Secret draft", slug="secret-draft", status=CampaignStatus.DRAFT
    )

    page = client.get("/").content.decode()

    assert reverse("petitions:campaign", args=[campaign.slug]) in page
    assert draft.slug not in page


def test_campaign_page_query_count_is_small_and_fixed(client, campaign, django_assert_max_num_queries):
    url = reverse("petitions:campaign", args=[campaign.slug])
    client.get(url)  # warm the per-process cache

    with django_assert_max_num_queries(0):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Bob\r\nBcc: x@example.org", "Please write this on one line"),
        ("Bob\u2028Bcc", "Please write this on one line"),
        ("Bob\x00", "Null characters are not allowed."),
    ],
)
def test_sign_refuses_names_that_are_not_one_line(client, campaign, bob_form, name, error):
    response = sign(client, campaign, bob_form | {"first_name": name})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Signature.objects.count() == 0


def test_campaign_page_previews_the_letter_with_hints_for_the_signer(client, campaign):
    page = client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()

    assert "Dear Presidential Administration," in page
    assert "[your personal message, if you add one]" in page
    assert "{signer_signoff}" not in page


def test_signing_writes_in_one_statement(client, campaign, bob_form):
    url = reverse("petitions:campaign", args=[campaign.slug])
    client.get(url)  # the campaign page, with its targets, is now cached
    client.post(url, {**bob_form, "email": "first@example.net"})  # so are the block rules (abuse/lists.py)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, bob_form)

    # The test's own transaction adds a savepoint pair around nothing; the rest is the work.
    statements = [q["sql"].split() for q in queries if "SAVEPOINT" not in q["sql"]]
    assert response.status_code == 302
    assert [statement[:3] for statement in statements] == [["WITH", "new_signature", "AS"]]


def test_copy_box_is_offered_only_when_the_campaign_offers_it(client, campaign, bob_form):
    url = reverse("petitions:campaign", args=[campaign.slug])
    without = client.get(url).content.decode()
    campaign.offer_signer_copy = True
    campaign.save()
    forget_campaign_pages()

    with_copy = client.get(url).content.decode()
    sign(client, campaign, bob_form | {"wants_copy": "on"})

    assert 'name="wants_copy"' not in without
    assert 'name="wants_copy"' in with_copy
    assert Signature.objects.get().wants_copy is True
