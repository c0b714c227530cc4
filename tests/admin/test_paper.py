"""Paper signatures in the admin: a count with its scan, and the CSV import shown row by row before
anything is saved."""

import csv
import io
from datetime import date

import pytest
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from petitions.enums import SignatureStatus
from petitions.models import Delivery, PaperBatch, Signature
from petitions.reporting.counters import add_to_counters
from petitions.reporting.public import campaign_counters
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,country,email,city,organisation,consent_to_contact,collected_on\n"
CLEAN = (
    HEADER
    + "Leyla,Həsənova,AZ,leyla@example.net,Baku,Dockers' Union,yes,2025-03-12\n"
    + "Rauf,Quliyev,Azerbaijan,,Sumqayit,,no,12.03.2025\n"
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


def upload(client, campaign, text: str, source: str = "Dockers' meeting in Baku"):
    url = reverse("admin:petitions_paperbatch_import", args=[campaign.pk])
    file = SimpleUploadedFile("signers.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"source": source, "file": file})


def save(client, campaign, preview):
    url = reverse("admin:petitions_paperbatch_import", args=[campaign.pk])
    return client.post(url, {"token": preview.context["token"]}, follow=True)


def test_a_file_with_errors_shows_each_row_and_saves_nothing(alice_client, alpha):
    text = (
        HEADER
        + "Leyla,Həsənova,AZ,leyla@example.net,,,yes,2025-03-12\n"
        + ",Quliyev,Atlantis,not-an-address,,,maybe,soon\n"
    )

    response = upload(alice_client, alpha.campaign, text)

    page = response.content.decode()
    assert response.status_code == 200
    assert "first_name is empty." in page
    assert "Unknown country: Atlantis." in page
    assert "Not an email address: not-an-address." in page
    assert "Consent must be yes or no, not maybe." in page
    assert "Not a date: soon" in page
    assert "Nothing was saved." in page
    assert 'name="token"' not in page
    assert not Signature.objects.filter(status=SignatureStatus.PAPER).exists()
    assert not PaperBatch.objects.exists()


def test_a_clean_file_is_previewed_then_saved_as_paper_signers_without_letters(alice_client, alice, alpha):
    preview = upload(alice_client, alpha.campaign, CLEAN)
    assert "Save 2 paper signers" in preview.content.decode()
    assert not Signature.objects.filter(status=SignatureStatus.PAPER).exists()

    response = save(alice_client, alpha.campaign, preview)

    assert "Saved 2 paper signers" in response.content.decode()
    batch = PaperBatch.objects.get()
    assert (batch.kind, batch.signatures, batch.source, batch.added_by) == (
        "signers",
        2,
        "Dockers' meeting in Baku",
        alice,
    )
    assert batch.collected_on == date(2025, 3, 12)
    leyla, rauf = Signature.objects.filter(paper_batch=batch).order_by("pk")
    assert (leyla.first_name, leyla.country.code, leyla.consent_to_contact, leyla.status) == (
        "Leyla",
        "AZ",
        True,
        "paper",
    )
    assert (rauf.email, rauf.consent_to_contact) == ("", False)
    assert not Delivery.objects.filter(signature__paper_batch=batch).exists()
    counters = campaign_counters(alpha.campaign)
    assert (counters.signatures, counters.paper, counters.total) == (0, 2, 2)
    assert LogEntry.objects.filter(object_id=str(batch.pk), action_flag=ADDITION, user=alice).exists()


def test_paper_signers_are_encrypted_and_found_by_keyed_hash_like_online_ones(alice_client, alpha):
    save(alice_client, alpha.campaign, upload(alice_client, alpha.campaign, CLEAN))

    with connection.cursor() as cursor:
        # What the database holds, bypassing the model's decryption.
        cursor.execute(
            "SELECT first_name, last_name, email, city, organisation FROM petitions_signature WHERE status = %s",
            ["paper"],
        )
        stored = cursor.fetchall()
    assert all(value.startswith("enc:") for value in stored[0])
    assert not any("Leyla" in value or "leyla@" in value for row in stored for value in row)
    assert Signature.objects.with_email("LEYLA@example.net").get().first_name == "Leyla"
    assert Signature.objects.named("quliyev").get().first_name == "Rauf"


def test_an_address_that_signed_online_is_flagged_and_not_counted_twice(alice_client, alpha):
    text = CLEAN + "Alpha,Again,GB,alpha.signer@example.net,,,no,2025-03-12\n"

    preview = upload(alice_client, alpha.campaign, text)

    rows = preview.context["preview"].rows
    assert [row.duplicate for row in rows][2] == "Has signed online: not counted twice."
    assert "Has signed online: not counted twice." in preview.content.decode()
    assert "Save 2 paper signers" in preview.content.decode()
    save(alice_client, alpha.campaign, preview)
    assert Signature.objects.filter(status=SignatureStatus.PAPER).count() == 2
    assert campaign_counters(alpha.campaign).paper == 2


def test_the_same_file_imported_again_counts_nobody_twice(alice_client, alpha):
    save(alice_client, alpha.campaign, upload(alice_client, alpha.campaign, CLEAN + CLEAN.split("\n", 1)[1]))

    again = upload(alice_client, alpha.campaign, HEADER + "Leyla,Həsənova,AZ,leyla@example.net,,,yes,2025-03-12\n")

    assert "Already imported on paper: not counted twice." in again.content.decode()
    assert 'name="token"' not in again.content.decode()  # nothing new to save
    assert Signature.objects.filter(status=SignatureStatus.PAPER, email_hash__startswith="paper-").count() == 2
    assert campaign_counters(alpha.campaign).paper == 3  # Leyla once, Rauf twice (no address to tell)


def test_a_preview_is_saved_only_by_the_organiser_who_made_it(alice_client, alpha, bravo, client):
    preview = upload(alice_client, alpha.campaign, CLEAN)
    bravo_member = bravo.organisation.members.get()
    verified_login(client, bravo_member)
    response = client.post(
        reverse("admin:petitions_paperbatch_import", args=[alpha.campaign.pk]), {"token": preview.context["token"]}
    )

    assert response.status_code == 404
    assert not PaperBatch.objects.exists()


def test_a_preview_sent_twice_saves_once_and_a_changed_one_not_at_all(alice_client, alpha):
    preview = upload(alice_client, alpha.campaign, CLEAN)
    url = reverse("admin:petitions_paperbatch_import", args=[alpha.campaign.pk])
    token = preview.context["token"]

    changed = alice_client.post(url, {"token": token[:-4] + "AAAA"}, follow=True)
    first = save(alice_client, alpha.campaign, preview)
    again = save(alice_client, alpha.campaign, preview)

    assert "The preview has expired" in changed.content.decode()
    assert "Saved 2 paper signers" in first.content.decode()
    assert "This file was saved already." in again.content.decode()
    assert Signature.objects.filter(status=SignatureStatus.PAPER).count() == 2
    assert PaperBatch.objects.count() == 1


def test_export_marks_paper_signers(alice_client, alpha):
    save(alice_client, alpha.campaign, upload(alice_client, alpha.campaign, CLEAN))

    response = alice_client.post(reverse("admin:petitions_signature_export", args=[alpha.campaign.pk]))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))
    assert {(row["first_name"], row["channel"], row["status"]) for row in rows} == {
        ("Alphasigner", "online", "confirmed"),
        ("Leyla", "paper", "paper"),
        ("Rauf", "paper", "paper"),
    }


def add_count(client, campaign, **extra):
    data = {"campaign": campaign.pk, "signatures": "80", "source": "Dockers' meeting", "collected_on": "2025-03-12"}
    return client.post(reverse("admin:petitions_paperbatch_add"), data | extra, follow=True)


def test_a_count_with_its_scan_is_counted_on_paper_and_the_scan_is_private(
    alice_client, alice, alpha, client, private_files
):
    scan = SimpleUploadedFile("Leyla Hasanova sheet.png", b"\x89PNG\r\n\x1a\n-names-", content_type="image/png")

    add_count(alice_client, alpha.campaign, scan=scan)

    batch = PaperBatch.objects.get()
    assert (batch.signatures, batch.kind, batch.added_by) == (80, "count", alice)
    assert "Leyla" not in batch.scan.name
    assert (private_files / "private" / batch.scan.name).is_file()
    assert not (private_files / "media").exists() or not any((private_files / "media").rglob("*.png"))
    assert client.get(f"/media/{batch.scan.name}").status_code == 404  # the public never reaches it
    download = alice_client.get(batch.scan.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\n-names-"
    assert download["Content-Disposition"].startswith("attachment")
    assert campaign_counters(alpha.campaign).paper == 80
    assert not Delivery.objects.exclude(pk=alpha.delivery.pk).exists()


def test_a_count_is_not_edited_and_its_deletion_asks_first_and_is_logged(alice_client, alice, alpha, private_files):
    add_count(
        alice_client, alpha.campaign, scan=SimpleUploadedFile("s.pdf", b"%PDF-1.4", content_type="application/pdf")
    )
    batch = PaperBatch.objects.get()
    change_url = reverse("admin:petitions_paperbatch_change", args=[batch.pk])
    delete_url = reverse("admin:petitions_paperbatch_delete", args=[batch.pk])

    page = alice_client.get(change_url).content.decode()
    edited = alice_client.post(change_url, {"signatures": "800", "source": "x", "collected_on": "2025-03-12"})
    asks = alice_client.get(delete_url).content.decode()

    assert 'name="signatures"' not in page  # shown, not editable
    assert "alice" in page
    assert edited.status_code == 403
    assert "Are you sure" in asks
    PaperBatch.objects.get(pk=batch.pk, signatures=80)


def test_deleting_a_count_takes_it_off_the_figure_and_removes_the_scan(
    alice_client, alice, alpha, private_files, django_capture_on_commit_callbacks
):
    add_count(
        alice_client, alpha.campaign, scan=SimpleUploadedFile("s.pdf", b"%PDF-1.4", content_type="application/pdf")
    )
    batch = PaperBatch.objects.get()
    scan_file = private_files / "private" / batch.scan.name

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("admin:petitions_paperbatch_delete", args=[batch.pk]), {"post": "yes"})

    assert not PaperBatch.objects.exists()
    assert not scan_file.exists()
    assert campaign_counters(alpha.campaign).paper == 0
    assert LogEntry.objects.filter(object_id=str(batch.pk), action_flag=DELETION, user=alice).exists()


def test_deleting_an_import_deletes_its_signers_and_their_count(alice_client, alpha):
    save(alice_client, alpha.campaign, upload(alice_client, alpha.campaign, CLEAN))
    batch = PaperBatch.objects.get()

    alice_client.post(reverse("admin:petitions_paperbatch_delete", args=[batch.pk]), {"post": "yes"})

    assert not Signature.objects.filter(status=SignatureStatus.PAPER).exists()
    assert campaign_counters(alpha.campaign).paper == 0


def test_the_dashboard_shows_online_paper_and_total(alice_client, alpha):
    add_count(alice_client, alpha.campaign)
    add_to_counters(campaign_id=alpha.campaign.pk, signatures=1)

    page = alice_client.get(reverse("admin:petitions_signature_dashboard", args=[alpha.campaign.pk])).content.decode()

    assert '<strong data-figure="signatures">1</strong> signatures online' in page
    assert '<strong data-figure="paper">80</strong> on paper' in page
    assert '<strong data-figure="total">81</strong> in all' in page
