"""The signature and letter lists: search, filters and actions as an organiser uses them."""

import pytest
from django.urls import reverse

from petitions.enums import DeliveryStatus
from petitions.models import Delivery
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

SIGNATURES = reverse("admin:petitions_signature_changelist")
DELIVERIES = reverse("admin:petitions_delivery_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("  Alpha.Signer@EXAMPLE.net ", ["Alphasigner"]),
        ("alpha.signer@", []),
        ("alphasigner", ["Alphasigner"]),
        ("ALPHASON alphasigner", ["Alphasigner"]),
        ("alph", []),  # names are stored encrypted: whole words only
        ("Alphasigner Other", []),
        ("signer", []),
    ],
)
def test_signature_search_matches_exact_address_or_whole_name_words(alice_client, alpha, term, expected):
    SignatureFactory(campaign=alpha.campaign, first_name="Zed", last_name="Other")

    response = alice_client.get(SIGNATURES, {"q": term})

    assert [row.first_name for row in listed(response)] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"partner": "alpha-ref"}, ["Alphasigner"]),
        ({"partner": "-"}, ["Direct"]),
        ({"consent_to_contact__exact": "1"}, ["Direct"]),
        ({"country": "FR"}, ["Direct"]),
        ({"status__exact": "held"}, []),
        ({"signed": "24h"}, ["Direct", "Alphasigner"]),
        ({"signed": "older"}, []),
    ],
)
def test_signature_filters_narrow_the_list(alice_client, alpha, query, expected):
    SignatureFactory(campaign=alpha.campaign, first_name="Direct", country="FR", consent_to_contact=True)

    response = alice_client.get(SIGNATURES, query)

    assert [row.first_name for row in listed(response)] == expected


def test_the_country_filter_lists_the_countries_signatures_come_from_and_no_other(alice_client, alpha, bravo):
    SignatureFactory(campaign=alpha.campaign, first_name="Direct", country="AZ")
    SignatureFactory(campaign=alpha.campaign, first_name="Other", country="TR")
    SignatureFactory(campaign=bravo.campaign, first_name="Bravo far", country="NZ")

    response = alice_client.get(SIGNATURES, HTTP_ACCEPT_LANGUAGE="az")

    (countries,) = [
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "country"
    ]
    choices = [choice["display"] for choice in countries.choices(response.context["cl"])]
    own = {str(c) for c in alpha.campaign.signatures.values_list("country", flat=True) if c}
    assert len(choices) == 1 + len(own | {"AZ", "TR"})  # "All" first
    assert "Azərbaycan" in choices
    assert "Türkiyə" in choices
    assert not any("Zeland" in str(choice) for choice in choices)  # bravo's New Zealand


def test_signature_list_costs_the_same_queries_for_many_rows(alice_client, alpha, django_assert_max_num_queries):
    SignatureFactory.create_batch(60, campaign=alpha.campaign)

    # Session, user, two-factor device, organisations (x2), campaign, partner and country filters
    # (the countries read once a minute), count, permissions (x2, for the site-wide block rules in
    # the sidebar), the page of rows.
    with django_assert_max_num_queries(12):
        response = alice_client.get(SIGNATURES, {"campaign__id__exact": alpha.campaign.pk})

    assert len(listed(response)) == 50
    assert "Alpha Partner (alpha-ref)" in response.content.decode()


def test_retry_failed_letters_queues_them_again(alice_client, alpha, django_capture_on_commit_callbacks):
    sent = Delivery.objects.create(
        campaign=alpha.campaign, signature=SignatureFactory(campaign=alpha.campaign), target=alpha.target, status="sent"
    )
    Delivery.objects.filter(pk=alpha.delivery.pk).update(attempts=8)

    with django_capture_on_commit_callbacks() as callbacks:
        response = alice_client.post(
            DELIVERIES, {"action": "retry_failed", "_selected_action": [alpha.delivery.pk, sent.pk]}, follow=True
        )

    assert "1 failed letter is queued again." in response.content.decode()
    alpha.delivery.refresh_from_db()
    assert (alpha.delivery.status, alpha.delivery.attempts) == (DeliveryStatus.QUEUED, 0)
    assert alpha.delivery.enqueued_at is not None
    assert Delivery.objects.get(pk=sent.pk).status == DeliveryStatus.SENT
    assert len(callbacks) == 1


def test_cancel_pending_letters_asks_first_then_leaves_sent_ones(alice_client, alpha):
    queued = Delivery.objects.create(
        campaign=alpha.campaign, signature=SignatureFactory(campaign=alpha.campaign), target=alpha.target
    )
    sending = Delivery.objects.create(
        campaign=alpha.campaign,
        signature=SignatureFactory(campaign=alpha.campaign),
        target=alpha.target,
        status=DeliveryStatus.SENDING,
    )
    form = {"action": "cancel_pending", "_selected_action": [queued.pk, sending.pk, alpha.delivery.pk]}

    page = alice_client.post(DELIVERIES, form).content.decode()
    assert Delivery.objects.get(pk=queued.pk).status == DeliveryStatus.QUEUED  # nothing yet
    assert "Letters waiting to be sent, cancelled: 1. They will never be sent." in page
    assert "Letters being sent right now, which finish: 1." in page
    assert "Letters that already ended (sent, failed or cancelled), unchanged: 1." in page

    response = alice_client.post(DELIVERIES, {**form, "confirmed": "yes"}, follow=True)

    assert "1 letter cancelled." in response.content.decode()
    assert Delivery.objects.get(pk=sending.pk).status == DeliveryStatus.SENDING
    assert Delivery.objects.get(pk=queued.pk).status == DeliveryStatus.CANCELLED
    assert Delivery.objects.get(pk=alpha.delivery.pk).status == DeliveryStatus.FAILED


def test_delivery_list_filters_by_status_and_target(alice_client, alpha):
    response = alice_client.get(DELIVERIES, {"status__exact": "failed", "target__id__exact": alpha.target.pk})

    assert [row.pk for row in listed(response)] == [alpha.delivery.pk]


def test_organiser_marks_her_own_signature_as_spam(alice_client, alpha):
    response = alice_client.post(
        SIGNATURES,
        {"action": "mark_spam_selected", "_selected_action": [alpha.signature.pk], "confirmed": "yes"},
        follow=True,
    )

    assert "Marked 1 signature(s) as spam" in response.content.decode()
    alpha.signature.refresh_from_db()
    assert alpha.signature.status == "rejected"


def test_signature_list_stops_counting_at_the_cap(alice_client, alpha, monkeypatch):
    from petitions.admin.paging import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    SignatureFactory.create_batch(60, campaign=alpha.campaign)

    page = alice_client.get(SIGNATURES).content.decode()
    few = alice_client.get(SIGNATURES, {"q": "Alphasigner"}).content.decode()

    assert "More than 5 signatures: narrow them with the filters or the search" in page
    assert "Select all matching signatures (more than 5)" in page
    assert "More than 5 signatures" not in few
    assert "1 signature\n" in few


def test_delivery_list_stops_counting_at_the_cap(alice_client, alpha, monkeypatch):
    from petitions.admin.paging import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 0)

    page = alice_client.get(DELIVERIES).content.decode()

    assert "More than 0 letters: narrow them with the filters or the search" in page
