"""A campaign's life in admin: publish, pause, resume, close (also by its date), duplicate, previews."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaigns import services
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from campaigns.tasks import close_ended_campaigns_task
from petitions.models import CounterShard
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:campaigns_campaign_changelist")


def act(client, action: str, *campaigns, confirmed: bool = True):
    """The action as an organiser runs it; one that cannot be undone is confirmed on its own page."""
    form = {"action": action, "_selected_action": [c.pk for c in campaigns]}
    return client.post(CHANGELIST, {**form, **({"confirmed": "yes"} if confirmed else {})}, follow=True)


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("publish", "draft", "live"),
        ("pause", "live", "paused"),
        ("resume", "paused", "live"),
        ("close", "paused", "closed"),
        ("close", "live", "closed"),
        ("publish", "closed", "closed"),
        ("resume", "closed", "closed"),
    ],
)
def test_lifecycle_actions_move_only_along_the_allowed_steps(alice_client, alpha, action, before, after):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=before)

    act(alice_client, action, alpha.campaign)

    assert Campaign.objects.get(pk=alpha.campaign.pk).status == after


def test_closing_for_good_asks_first_and_says_what_it_will_do(alice_client, alpha, bravo, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 90
    CounterShard.objects.create(campaign=alpha.campaign, shard=0, signatures=1204)

    page = act(alice_client, "close", alpha.campaign, confirmed=False)

    text = page.content.decode()
    assert Campaign.objects.get(pk=alpha.campaign.pk).status == CampaignStatus.LIVE
    assert page.templates[0].name == "admin/outcry/confirm_action.html"
    assert "This cannot be undone." in text
    assert f"Campaigns that stop taking signatures, for good: 1 ({alpha.campaign})." in text
    assert "Their signatures, 1204, stay counted" in text
    erased_on = date_format(timezone.localdate() + timedelta(days=90))
    assert f"erased on {erased_on}, 90 days from now." in text
    assert 'value="Yes, close for good"' in text
    assert bravo.campaign.name not in text

    act(alice_client, "close", alpha.campaign)  # the page's form, sent back
    assert Campaign.objects.get(pk=alpha.campaign.pk).status == CampaignStatus.CLOSED


def test_closing_only_closed_campaigns_cannot_be_confirmed(alice_client, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status="closed")

    text = act(alice_client, "close", alpha.campaign, confirmed=False).content.decode()

    assert "Campaigns that stop taking signatures, for good: 0 (-)." in text
    assert "Already closed, unchanged: 1." in text
    assert 'value="Yes, close for good" disabled' in text


def test_closing_starts_the_retention_clock(alice_client, alpha):
    act(alice_client, "close", alpha.campaign)

    assert Campaign.objects.get(pk=alpha.campaign.pk).closed_at is not None


def test_pausing_a_closed_campaign_says_it_stays_closed(alice_client, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status="closed")

    response = act(alice_client, "pause", alpha.campaign)

    assert "A closed campaign stays closed: duplicate it to start again." in response.content.decode()


def test_beat_closes_campaigns_whose_closing_date_passed(alpha):
    now = timezone.now()
    ended = CampaignFactory(status="live", starts_at=now - timedelta(days=9), ends_at=now - timedelta(minutes=1))
    paused = CampaignFactory(status="paused", starts_at=now - timedelta(days=9), ends_at=now - timedelta(minutes=1))
    draft = CampaignFactory(status="draft", starts_at=now - timedelta(days=9), ends_at=now - timedelta(minutes=1))

    closed = close_ended_campaigns_task()

    assert closed == 2
    ids = [ended.pk, paused.pk, draft.pk, alpha.campaign.pk]
    statuses = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ended.pk: "closed", paused.pk: "closed", draft.pk: "draft", alpha.campaign.pk: "live"}
    assert Campaign.objects.get(pk=ended.pk).closed_at is not None


def test_closed_campaign_page_shows_figures_and_accepts_nothing(client, alpha, bob_form):
    services.change_campaign_status(campaign=alpha.campaign, status=CampaignStatus.CLOSED)

    page = client.get(f"/c/{alpha.campaign.slug}/").content.decode()
    client.post(f"/c/{alpha.campaign.slug}/", bob_form)

    assert "This campaign is closed" in page
    assert 'data-counter="total"' in page
    assert alpha.campaign.signatures.count() == 1  # the fixture's, not bob's


def test_duplicate_makes_a_draft_with_letters_targets_and_partners(alice_client, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(milestone_notified=50)

    response = act(alice_client, "duplicate", alpha.campaign)

    copy = Campaign.objects.get(slug="alpha-secret-2")
    assert response.redirect_chain[-1][0] == reverse("admin:campaigns_campaign_change", args=[copy.pk])
    assert (copy.name, copy.status, copy.starts_at, copy.organisation) == (
        "Copy of Alpha secret campaign",
        "draft",
        None,
        alpha.organisation,
    )
    assert list(copy.templates.values_list("page_title", flat=True)) == ["Alpha page title"]
    assert list(copy.targets.values_list("email", flat=True)) == ["minister@alpha.example.org"]
    assert list(copy.partners.values_list("code", flat=True)) == ["alpha-ref"]
    assert copy.signatures.count() == 0
    assert copy.milestone_notified == 0
    assert alpha.campaign.targets.count() == 1


def test_letter_preview_shows_each_targets_letter_as_it_will_be_sent(alice_client, alpha):
    response = alice_client.get(reverse("admin:petitions_delivery_letter_preview", args=[alpha.campaign.pk]))

    page = response.content.decode()
    assert '<td data-part="subject">Release the jailed trade unionists</td>' in page
    assert "Dear Alpha Minister,\n\nRelease the four trade unionists." in page
    assert "Jane Doe via Outcry &lt;letters@outcry.example.org&gt;" in page
    assert 'sandbox="" title="HTML part" srcdoc="&lt;!doctype html&gt;' in page


def test_letter_preview_names_a_letter_that_cannot_be_built(alice_client, alpha):
    alpha.campaign.templates.all().delete()

    response = alice_client.get(reverse("admin:petitions_delivery_letter_preview", args=[alpha.campaign.pk]))

    assert "The campaign has no message template to write the letter with." in response.content.decode()


def test_page_preview_shows_a_draft_that_the_public_cannot_see(client, alice_client, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status="draft")
    url = reverse("admin:petitions_signature_page_preview", args=[alpha.campaign.pk])

    preview = alice_client.get(url)

    assert preview.status_code == 200
    assert "Preview for organisers (Not published)" in preview.content.decode()
    assert "Alpha page title" in preview.content.decode()
    assert alice_client.post(url).status_code == 405
    assert client.get(f"/c/{alpha.campaign.slug}/").status_code == 404


def test_letter_preview_of_a_digest_campaign_shows_the_digest(alice_client, alpha):
    Campaign.objects.filter(pk=alpha.campaign.pk).update(delivery_mode="digest", digest_period="day")

    page = alice_client.get(reverse("admin:petitions_delivery_letter_preview", args=[alpha.campaign.pk]))

    text = page.content.decode()
    assert "Alpha Coalition via Outcry &lt;letters@outcry.example.org&gt;" in text
    assert "Release the jailed trade unionists (2 signers, " in text
    assert "Signed by 2 people" in text
    assert "Jane Doe - Unite the Union, Leeds, United Kingdom" in text


def test_the_campaign_form_shows_the_real_address_and_view_on_site_opens_the_page(alice_client, alpha, client):
    change = reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])

    live = alice_client.get(change).content.decode()
    url = f"{settings.SITE_URL}/c/{alpha.campaign.slug}/"
    assert f'<a href="{url}">{url}</a>' in live
    assert "/c/free-the-four/ for free-the-four" in live  # the hint reads whole, no "/c//"
    assert f'href="/c/{alpha.campaign.slug}/" class="viewsitelink"' in live
    assert client.get(f"/c/{alpha.campaign.slug}/").status_code == 200

    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=CampaignStatus.DRAFT)
    draft = alice_client.get(change).content.decode()
    preview = reverse("admin:petitions_signature_page_preview", args=[alpha.campaign.pk])
    assert f'href="{preview}" class="viewsitelink"' in draft
    assert alice_client.get(preview).status_code == 200
    assert "a draft: only organisers see it" in draft

    added = alice_client.get(reverse("admin:campaigns_campaign_add")).content.decode()
    assert "Shown once the campaign is saved." in added


def test_time_zones_are_typed_with_suggestions_from_one_list_however_many_targets(alice_client, alpha):
    for number in range(2):
        TargetFactory(campaign=alpha.campaign, name=f"Embassy {number}")

    page = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])).content.decode()

    assert page.count('<datalist id="outcry-time-zones">') == 1
    assert '<option value="Asia/Baku">' in page
    assert '<option value="Europe/Istanbul">' in page
    assert page.count('list="outcry-time-zones"') == 3 + 1  # each target, and the empty form for a new one
    target = alpha.campaign.targets.get(name="Embassy 0")
    own = alice_client.get(reverse("admin:campaigns_target_change", args=[target.pk])).content.decode()
    assert own.count('<datalist id="outcry-time-zones">') == 1
    assert 'name="timezone"' in own
    assert 'list="outcry-time-zones"' in own
