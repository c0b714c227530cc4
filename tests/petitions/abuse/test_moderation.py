"""Organisers release, reject and mark as spam: counts stay exact, letters follow, a preview first."""

import pytest
from django.urls import reverse

from petitions.abuse import moderation
from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import Delivery, Signature
from petitions.reporting.counters import recount_campaign
from petitions.reporting.public import campaign_counters
from tests.factories import SignatureFactory, TargetFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


def held(campaign, n=1):
    return SignatureFactory.create_batch(
        n, campaign=campaign, status=SignatureStatus.HELD, confirmed_at=None, hold_reasons="too_fast"
    )


def signed(client, campaign, email):
    """A confirmed signature through the form: counted, with its letters."""
    data = {"first_name": "Bob", "last_name": "B", "email": email, "country": "GB"}
    client.post(reverse("petitions:campaign", args=[campaign.slug]), data)
    return Signature.objects.with_email(email).get()


def count(campaign) -> int:
    from django.core.cache import cache

    cache.clear()
    return campaign_counters(campaign).signatures


def test_release_counts_held_signatures_and_queues_their_letters(campaign, django_capture_on_commit_callbacks):
    TargetFactory(campaign=campaign, name="Second")
    TargetFactory(campaign=campaign, name="Gone", is_active=False)
    signatures = held(campaign, 3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = moderation.release_signatures(signature_ids=[s.pk for s in signatures])

    assert (result.signatures, result.letters_queued) == (3, 6)
    assert set(Signature.objects.values_list("status", flat=True)) == {SignatureStatus.CONFIRMED}
    assert Signature.objects.filter(confirmed_at__isnull=True).count() == 0
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 6
    assert count(campaign) == 3
    assert len(callbacks) == 1
    assert recount_campaign(campaign_id=campaign.pk).signatures_drift == 0


def test_release_twice_changes_nothing_the_second_time(campaign):
    [signature] = held(campaign)
    moderation.release_signatures(signature_ids=[signature.pk])

    again = moderation.release_signatures(signature_ids=[signature.pk])

    assert again.signatures == 0
    assert Delivery.objects.count() == 1
    assert count(campaign) == 1


def test_reject_leaves_count_and_letters_alone(campaign):
    signatures = held(campaign, 2)

    result = moderation.reject_signatures(signature_ids=[s.pk for s in signatures])

    assert result.signatures == 2
    assert set(Signature.objects.values_list("status", flat=True)) == {SignatureStatus.REJECTED}
    assert Delivery.objects.count() == 0
    assert count(campaign) == 0


def test_mark_as_spam_uncounts_and_cancels_waiting_letters_but_not_sent_ones(client, campaign):
    TargetFactory(campaign=campaign, name="Second")
    spam = signed(client, campaign, "spam@example.net")
    signed(client, campaign, "honest@example.net")
    sent = spam.deliveries.first()
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT)

    result = moderation.mark_signatures_as_spam(signature_ids=[spam.pk])

    spam.refresh_from_db()
    assert (spam.status, spam.hold_reasons) == (SignatureStatus.REJECTED, "marked_spam")
    assert (result.signatures, result.letters_cancelled) == (1, 1)
    assert sorted(spam.deliveries.values_list("status", flat=True)) == [DeliveryStatus.CANCELLED, DeliveryStatus.SENT]
    assert count(campaign) == 1
    assert recount_campaign(campaign_id=campaign.pk).signatures_drift == 0


def test_spam_mark_undone_requeues_cancelled_letters_and_never_resends(client, campaign):
    TargetFactory(campaign=campaign, name="Second")
    spam = signed(client, campaign, "maybe@example.net")
    sent = spam.deliveries.first()
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT)
    moderation.mark_signatures_as_spam(signature_ids=[spam.pk])

    result = moderation.release_signatures(signature_ids=[spam.pk])

    assert (result.signatures, result.letters_queued) == (1, 1)
    assert sorted(spam.deliveries.values_list("status", flat=True)) == [DeliveryStatus.QUEUED, DeliveryStatus.SENT]
    assert spam.deliveries.count() == 2
    assert count(campaign) == 1


def test_preview_says_what_release_would_do_and_changes_nothing(campaign):
    TargetFactory(campaign=campaign, name="Second")
    held(campaign, 2)
    SignatureFactory(campaign=campaign)

    preview = moderation.preview_moderation(action="release", signatures=Signature.objects.all())

    assert preview == moderation.ModerationPreview("release", 2, 1, 4, 0, 2, 0)
    assert Signature.objects.filter(status=SignatureStatus.HELD).count() == 2
    assert Delivery.objects.count() == 0


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    verified_login(client, django_user_model.objects.create_superuser("root", "root@example.org", "root-password-123"))
    return client


def test_admin_release_shows_a_preview_then_acts_on_confirmation(admin_client_logged_in, campaign):
    signatures = held(campaign, 2)
    url = reverse("admin:petitions_signature_changelist")
    chosen = {"action": "release_selected", "_selected_action": [s.pk for s in signatures]}

    preview = admin_client_logged_in.post(url, chosen)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>2</strong> signature(s) change status" in page
    assert "<strong>+2</strong>" in page
    assert "<strong>2</strong> letter(s) will be queued" in page
    assert "too_fast" in page
    assert Signature.objects.filter(status=SignatureStatus.HELD).count() == 2

    done = admin_client_logged_in.post(url, chosen | {"confirmed": "yes"}, follow=True)

    assert "Released 2 signature(s); 2 letter(s) queued; 0 asked to confirm by email." in done.content.decode()
    assert count(campaign) == 2


def test_admin_mark_as_spam_preview_names_cancelled_letters(admin_client_logged_in, client, campaign):
    spam = signed(client, campaign, "spam@example.net")
    url = reverse("admin:petitions_signature_changelist")

    preview = admin_client_logged_in.post(url, {"action": "mark_spam_selected", "_selected_action": [spam.pk]})

    page = preview.content.decode()
    assert "<strong>-1</strong>" in page
    assert "<strong>1</strong> waiting letter(s) will be cancelled" in page


def test_admin_review_actions_need_permission(client, campaign, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="viewer-password-123", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_signature"))
    verified_login(client, user)
    [signature] = held(campaign)

    response = client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "release_selected", "_selected_action": [signature.pk], "confirmed": "yes"},
    )

    assert response.status_code == 403
    assert Signature.objects.get().status == SignatureStatus.HELD


def test_block_rule_is_added_in_admin_in_its_normal_form(admin_client_logged_in):
    from petitions.models import BlockRule

    response = admin_client_logged_in.post(
        reverse("admin:petitions_blockrule_add"), {"kind": "domain", "value": " @Spam.EXAMPLE ", "note": "bot farm"}
    )

    assert response.status_code == 302
    assert BlockRule.objects.get().value == "spam.example"


def test_release_on_a_confirmation_campaign_asks_the_address_first(campaign, django_capture_on_commit_callbacks):
    campaign.signers_at_risk = True
    campaign.save()
    [never_confirmed] = held(campaign)
    was_confirmed = SignatureFactory(campaign=campaign, status=SignatureStatus.REJECTED, hold_reasons="marked_spam")

    preview = moderation.preview_moderation(action="release", signatures=Signature.objects.all())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = moderation.release_signatures(signature_ids=[never_confirmed.pk, was_confirmed.pk])

    assert (preview.to_confirm, preview.count_change, preview.letters_to_queue) == (1, 1, 1)
    assert (result.signatures, result.asked_to_confirm, result.letters_queued) == (2, 1, 1)
    never_confirmed.refresh_from_db()
    assert never_confirmed.status == SignatureStatus.PENDING
    assert never_confirmed.deliveries.count() == 0
    assert Signature.objects.get(pk=was_confirmed.pk).status == SignatureStatus.CONFIRMED
    assert count(campaign) == 1
    assert len(callbacks) == 2  # the confirmation email, and the letters of the one accepted


def test_released_signature_confirmed_by_its_signer_is_counted_once(campaign):
    from petitions.signing import confirmations

    campaign.signers_at_risk = True
    campaign.save()
    [signature] = held(campaign)
    moderation.release_signatures(signature_ids=[signature.pk])

    confirmations.confirm_signature(signature=Signature.objects.get(pk=signature.pk))

    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert Delivery.objects.count() == 1
    assert count(campaign) == 1
