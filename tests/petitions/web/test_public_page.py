"""What the public campaign page shows: share tags and links, recent signers, goals, states."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.enums import CampaignStatus
from petitions.reporting.counters import add_to_counters
from petitions.reporting.goals import current_goal, next_goal
from petitions.reporting.public import campaign_counters, recent_signers
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def test_campaign_page_has_open_graph_and_twitter_card_tags(client, campaign):
    campaign.image = "campaigns/four.jpg"
    campaign.share_text = "Four unionists are jailed for organising. Write to free them."
    campaign.save()

    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert '<meta property="og:title" content="Free the Workers&#x27; Table four">' in page
    assert '<meta property="og:description" content="Four unionists are jailed for organising.' in page
    assert f'<meta property="og:url" content="http://testserver/c/{campaign.slug}/">' in page
    assert '<meta property="og:image" content="http://testserver/media/campaigns/four.jpg">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta name="twitter:image" content="http://testserver/media/campaigns/four.jpg">' in page


def test_campaign_page_without_image_has_a_summary_card(client, campaign):
    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert '<meta name="twitter:card" content="summary">' in page
    assert "og:image" not in page


def test_share_links_point_at_the_unprefixed_page_and_load_no_script(client, campaign):
    page = client.get(f"/az/c/{campaign.slug}/").content.decode()

    url = f"http%3A//testserver/c/{campaign.slug}/"
    for service in (
        "https://wa.me/?text=",
        "https://t.me/share/url?url=",
        "https://www.facebook.com/sharer/sharer.php?u=",
    ):
        assert service in page
    assert f"https://x.com/intent/post?text=Free%20the%20Workers%27%20Table%20four&amp;url={url}" in page
    assert "mailto:?subject=" in page
    assert 'data-copy="share-url"' in page
    assert url in page
    scripts = [part.split('"')[1] for part in page.split("<script src=")[1:]]
    assert scripts == ["/static/js/counters.js", "/static/js/form.js", "/static/js/share.js"]


def test_recent_signers_show_first_name_and_country_of_those_who_chose_only(client, campaign):
    SignatureFactory(campaign=campaign, first_name="Aysel", last_name="Hidden", country="AZ", show_name_publicly=True)
    SignatureFactory(campaign=campaign, first_name="Private", country="TR", show_name_publicly=False)
    SignatureFactory(campaign=campaign, first_name="Held", country="RU", show_name_publicly=True, status="held")

    page = client.get(f"/en/c/{campaign.slug}/").content.decode()
    section = page.split('class="recent-signers')[1].split("</section>")[0]

    assert "<li>Aysel, Azerbaijan</li>" in section
    assert "Hidden" not in page
    assert "Private" not in section
    assert "Held" not in section
    assert "@example.net" not in page


def test_recent_signers_name_countries_in_the_pages_language(client, campaign):
    SignatureFactory(campaign=campaign, first_name="Aysel", country="AZ", show_name_publicly=True)

    page = client.get(f"/ru/c/{campaign.slug}/").content.decode()

    assert "<li>Aysel, Азербайджан</li>" in page


def test_recent_signers_are_cached_briefly(campaign, django_assert_num_queries):
    SignatureFactory(campaign=campaign, first_name="Aysel", show_name_publicly=True)
    recent_signers(campaign)

    SignatureFactory(campaign=campaign, first_name="Later", show_name_publicly=True)
    with django_assert_num_queries(0):
        names = [signer.first_name for signer in recent_signers(campaign)]

    assert names == ["Aysel"]


@pytest.mark.parametrize(
    ("signatures", "expected"),
    [(0, 10), (9, 10), (10, 25), (99, 100), (100, 250), (250, 500), (999, 1000), (1000, 2500), (123_456, 250_000)],
)
def test_next_goal_is_the_step_above_the_count(signatures, expected):
    assert next_goal(signatures) == expected


def test_goal_stays_until_reached_then_moves_to_the_next_step():
    assert current_goal(100, 99) == 100
    assert current_goal(100, 100) == 250
    assert current_goal(300, 310) == 500  # an organiser's own number, then the steps
    assert current_goal(None, 10) is None


def test_reached_goal_is_announced_and_the_counter_shows_the_next_one(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=100)

    counters = campaign_counters(campaign)
    page = client.get(f"/en/c/{campaign.slug}/").content.decode()
    body = client.get(f"/c/{campaign.slug}/counter.json").json()

    assert (counters.goal, counters.goal_reached, counters.progress_percent) == (250, 100, 40)
    assert "Goal reached: 100! Next goal: 250." in page
    assert body["goal"] == 250
    campaign.refresh_from_db()
    assert campaign.goal == 100  # the organiser's goal is kept as they set it


def test_not_yet_open_campaign_shows_the_opening_date(client, campaign):
    campaign.starts_at = timezone.now().replace(year=2030, month=3, day=8, hour=9, minute=0)
    campaign.ends_at = campaign.starts_at + timedelta(days=30)
    campaign.save()

    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert 'This campaign opens on <time datetime="2030-03-08T09:00' in page
    assert "March 8, 2030" in page
    assert 'name="email"' not in page


def test_closed_campaign_shows_final_figures(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=1234, emails_sent=1200)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()

    page = client.get(f"/en/c/{campaign.slug}/").content.decode()

    assert "Final figures: signatures 1,234, letters sent 1,200." in page
    assert 'name="email"' not in page


def test_paused_campaign_says_so_in_the_pages_language(client, campaign):
    campaign.status = CampaignStatus.PAUSED
    campaign.save()

    page = client.get(f"/tr/c/{campaign.slug}/").content.decode()

    assert "Düzenleyiciler bu kampanyayı duraklattı." in page


def test_campaign_page_html_is_small(client, campaign):
    """The HTML part of the page budget (bench/page_weight.py measures the whole page)."""
    html = client.get(f"/en/c/{campaign.slug}/").content

    assert len(html) < 40_000
    assert len(gzip.compress(html)) < 12_000
