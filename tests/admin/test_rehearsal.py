"""Rehearsal: a draft tried end to end. Its page takes signatures, every letter goes to the
organiser marked [Test] (paced and batched as in real life), and ending it removes what it made."""

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from campaigns.selectors import forget_campaign_pages
from petitions.delivery.sending import send_delivery
from petitions.models import CounterShard, Delivery, Signature
from petitions.reporting.public import campaign_counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=CampaignStatus.DRAFT, signers_at_risk=False)
    Signature.objects.filter(campaign=alpha.campaign).delete()
    forget_campaign_pages()
    return Campaign.objects.get(pk=alpha.campaign.pk)


def overview(campaign) -> str:
    return reverse("admin:campaigns_campaign_overview", args=[campaign.pk])


def test_a_rehearsal_opens_the_drafts_page_and_sends_every_letter_to_the_organiser(
    alice_client, client, draft, bob_form
):
    closed = client.get(f"/c/{draft.slug}/")
    alice_client.post(overview(draft), {"action": "rehearse", "rehearsal_to": "alice@union.example.org"})
    forget_campaign_pages()

    page = client.get(f"/c/{draft.slug}/")
    client.post(f"/c/{draft.slug}/", bob_form)
    [letter] = Delivery.objects.filter(campaign=draft)
    send_delivery(delivery_id=letter.pk)

    assert closed.status_code == 404
    assert page.status_code == 200
    assert "Rehearsal: this campaign is being tried out." in page.content.decode()
    assert '<meta name="robots" content="noindex">' in page.content.decode()
    [sent] = mail.outbox
    assert sent.to == ["alice@union.example.org"]
    assert sent.subject == "[Test] Release the jailed trade unionists"
    assert draft.targets.get().email not in sent.message().as_string()
    assert "Dear Alpha Minister" in sent.body  # the target's own letter, as it would receive it
    assert Campaign.objects.get(pk=draft.pk).status == CampaignStatus.DRAFT


def test_a_rehearsal_letter_keeps_going_to_the_organiser_even_if_sent_after_the_rehearsal_changed(
    alice_client, client, draft, bob_form
):
    alice_client.post(overview(draft), {"action": "rehearse", "rehearsal_to": "alice@union.example.org"})
    forget_campaign_pages()
    client.post(f"/c/{draft.slug}/", bob_form)
    [letter] = Delivery.objects.filter(campaign=draft)
    Campaign.objects.filter(pk=draft.pk).update(rehearsal_to="")  # as if the campaign moved on

    send_delivery(delivery_id=letter.pk)

    assert [message.to for message in mail.outbox] == [["alice@union.example.org"]]


def test_paced_targets_space_rehearsal_letters_as_in_real_life(alice_client, client, draft, bob_form):
    draft.targets.update(hourly_cap=30)
    alice_client.post(overview(draft), {"action": "rehearse", "rehearsal_to": "alice@union.example.org"})
    forget_campaign_pages()

    client.post(f"/c/{draft.slug}/", bob_form)

    [letter] = Delivery.objects.filter(campaign=draft)
    assert letter.rehearsal_to == "alice@union.example.org"
    assert letter.enqueued_at is None  # waits for the dispatcher's slot, as a real letter would


def test_ending_the_rehearsal_asks_then_removes_its_signatures_letters_and_counts(
    alice_client, client, draft, bob_form
):
    alice_client.post(overview(draft), {"action": "rehearse", "rehearsal_to": "alice@union.example.org"})
    forget_campaign_pages()
    client.post(f"/c/{draft.slug}/", bob_form)
    send_delivery(delivery_id=Delivery.objects.get(campaign=draft).pk)
    counted = campaign_counters(Campaign.objects.get(pk=draft.pk))

    asked = alice_client.post(overview(draft), {"action": "end_rehearsal"}).content.decode()
    ended = alice_client.post(
        overview(draft), {"action": "end_rehearsal", "_selected_action": [draft.pk], "confirmed": "yes"}, follow=True
    ).content.decode()
    forget_campaign_pages()

    assert (counted.signatures, counted.emails_sent) == (1, 1)
    assert "Test signatures made during the rehearsal, removed: 1." in asked
    assert "1 test signature(s) and 1 test letter(s) removed." in ended
    assert not Signature.objects.filter(campaign=draft).exists()
    assert not Delivery.objects.filter(campaign=draft).exists()
    shards = CounterShard.objects.filter(campaign=draft)
    assert sum(shard.signatures for shard in shards) == sum(shard.emails_sent for shard in shards) == 0
    assert Campaign.objects.get(pk=draft.pk).rehearsal_to == ""
    assert client.get(f"/c/{draft.slug}/").status_code == 404


def test_publishing_from_a_rehearsal_starts_from_a_clean_count(alice_client, client, draft, bob_form):
    alice_client.post(overview(draft), {"action": "rehearse", "rehearsal_to": "alice@union.example.org"})
    forget_campaign_pages()
    client.post(f"/c/{draft.slug}/", bob_form)

    page = alice_client.post(overview(draft), {"action": "publish"}, follow=True).content.decode()

    campaign = Campaign.objects.get(pk=draft.pk)
    assert (campaign.status, campaign.rehearsal_to) == (CampaignStatus.LIVE, "")
    assert "1 test signature(s) and 1 test letter(s) removed." in page  # its letter, still waiting
    assert not Signature.objects.filter(campaign=draft).exists()


def test_only_a_draft_rehearses(alice_client, alpha):
    page = alice_client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "rehearse", "_selected_action": [alpha.campaign.pk]},
        follow=True,
    ).content.decode()

    assert "only a draft can rehearse." in page
    assert Campaign.objects.get(pk=alpha.campaign.pk).rehearsal_to == ""
