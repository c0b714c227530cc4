"""Paper signatures on the public page, the embed and counter.json: shown apart from online ones,
the total counting towards the goal, and never a letter."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from campaigns.enums import CampaignStatus
from campaigns.models import Endorser
from petitions.enums import SignatureStatus
from petitions.models import Delivery, PaperBatch, Signature
from petitions.paper.counts import add_paper_count, delete_paper_batch
from petitions.paper.imports import preview_import, save_import
from petitions.privacy import retention
from petitions.reporting.counters import add_to_counters, recount_campaign
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


def paper_count(campaign, signatures=80, **extra) -> PaperBatch:
    return add_paper_count(
        PaperBatch(
            campaign=campaign, signatures=signatures, source="Dockers' meeting", collected_on=date(2025, 3, 12), **extra
        )
    )


def sign_online(campaign, n: int) -> None:
    for i in range(n):
        sign_petition(
            campaign=campaign,
            data={"first_name": "Bob", "last_name": f"S{i}", "email": f"bob{i}@example.net", "country": "GB"},
            language="en",
            client_ip=None,
        )


def test_counter_json_keeps_signatures_online_and_adds_paper_and_total(client, campaign):
    sign_online(campaign, 3)
    paper_count(campaign, 80)

    body = client.get(f"/c/{campaign.slug}/counter.json").json()

    assert body == {"signatures": 3, "paper": 80, "total": 83, "emails_sent": 0, "goal": 100, "own_mail": 0}


def test_the_page_shows_online_and_paper_apart_and_the_total_towards_the_goal(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=1147)
    paper_count(campaign, 80)
    campaign.goal = 2000
    campaign.save()

    page = client.get(f"/c/{campaign.slug}/").content.decode()

    assert '<dd class="mb-0 fs-3 fw-bold" data-counter="total">1,227</dd>' in page
    assert '<bdi data-counter="signatures">1,147</bdi> online + <bdi data-counter="paper">80</bdi> on paper' in page
    assert 'value="61"' in page  # 1,227 of 2,000


def test_without_paper_signatures_the_page_has_no_paper_line(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=5)

    page = client.get(f"/c/{campaign.slug}/").content.decode()

    assert "on paper" not in page
    assert 'data-counter="total">5</dd>' in page


def test_the_embed_shows_the_paper_line_with_numbers_in_the_page_language(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=1147)
    paper_count(campaign, 1080)

    english = client.get(f"/c/{campaign.slug}/embed/").content.decode()
    turkish = client.get(f"/tr/c/{campaign.slug}/embed/").content.decode()

    assert '<bdi data-counter="signatures">1,147</bdi> online + <bdi data-counter="paper">1,080</bdi>' in english
    assert '<bdi data-counter="signatures">1.147</bdi>' in turkish
    assert '<bdi data-counter="paper">1.080</bdi>' in turkish


def test_paper_signatures_queue_no_letter_and_are_not_counted_online(campaign, django_capture_on_commit_callbacks):
    batch = paper_count(campaign, 40)
    preview = preview_import(campaign, "first_name,last_name,country,collected_on\nLeyla,Hasanova,AZ,2025-03-12\n")
    save_import(campaign=campaign, preview=preview, source="Meeting", added_by=None)

    counters = campaign_counters(campaign)
    assert (counters.signatures, counters.paper, counters.total) == (0, 41, 41)
    assert not Delivery.objects.exists()
    assert recount_campaign(campaign_id=campaign.pk).paper_drift == 0
    with django_capture_on_commit_callbacks(execute=True):
        delete_paper_batch(batch)
    assert campaign_counters(campaign).paper == 1
    assert recount_campaign(campaign_id=campaign.pk).paper_drift == 0


def test_the_recount_puts_the_paper_figure_right(campaign):
    paper_count(campaign, 40)
    add_to_counters(campaign_id=campaign.pk, paper=7)  # a drift

    recount = recount_campaign(campaign_id=campaign.pk)

    assert (recount.paper, recount.paper_drift) == (40, 7)
    assert campaign_counters(campaign).paper == 40


def test_the_goal_counts_paper_signatures_too(campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=60)
    paper_count(campaign, 40)

    counters = campaign_counters(campaign)

    assert counters.goal_reached == 100  # 60 online + 40 on paper
    assert (counters.goal, counters.progress_percent) == (250, 40)  # the next step


def test_the_paper_line_has_the_plural_form_of_each_language():
    from django.template import Context, Template

    line = Template("{% load outcry_format %}{% online_and_paper online paper %}")
    with translation.override("ru"):
        text = line.render(Context({"online": 21, "paper": 1}))
    assert '<bdi data-counter="paper">1</bdi>' in text
    assert '<bdi data-counter="signatures">21</bdi>' in text


def test_endorsers_are_listed_with_their_logos_named(client, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    logo = Endorser(campaign=campaign, name="Oil Workers' Union", website="https://oil.example.org", position=1)
    logo.logo.save("oil.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    logo.save()
    Endorser.objects.create(campaign=campaign, name="Dockers of Baku", statement="We stand with the four.")

    page = client.get(f"/c/{campaign.slug}/").content.decode()

    assert "Organisations that endorse this campaign" in page
    assert f'<img src="{logo.logo.url}" alt="Oil Workers&#x27; Union"' in page
    assert page.index("Dockers of Baku") < page.index("Oil Workers&#x27; Union")  # by position, then name
    assert "We stand with the four." in page


def test_a_campaign_without_endorsers_has_no_endorsers_section(client, campaign):
    assert "Organisations that endorse" not in client.get(f"/c/{campaign.slug}/").content.decode()


def test_retention_erases_paper_signers_and_the_scans_with_the_campaign(campaign, private_files):
    scanned = PaperBatch(campaign=campaign, signatures=3, source="Meeting", collected_on=date(2025, 3, 12))
    scanned.scan.save("sheet.png", ContentFile(b"names"), save=False)
    add_paper_count(scanned)
    scan_file = private_files / "private" / scanned.scan.name
    text = "first_name,last_name,country,email,city,organisation,consent_to_contact,collected_on\n"
    text += "Leyla,Hasanova,AZ,leyla@example.net,Baku,Dockers,yes,2025-03-12\n"
    save_import(campaign=campaign, preview=preview_import(campaign, text), source="Meeting", added_by=None)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    type(campaign).objects.filter(pk=campaign.pk).update(closed_at=timezone.now() - timedelta(days=400))

    retention.anonymise_due_campaigns()

    leyla = Signature.objects.get(status=SignatureStatus.PAPER)
    assert (leyla.first_name, leyla.last_name, leyla.email, leyla.city, leyla.organisation) == ("", "", "", "", "")
    assert leyla.anonymised_at is not None
    assert not Signature.objects.with_email("leyla@example.net").exists()
    assert not scan_file.exists()
    scanned.refresh_from_db()
    assert not scanned.scan
    assert campaign_counters(campaign).paper == 4  # the figures stay
