"""Signature exports: streamed CSV of every signer, formulas neutralised, each one in the audit log."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from petitions.models import SignatureExport
from petitions.privacy import exports
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain"]


def parse(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "no byte order mark: Excel on Windows would garble the names"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_download_streams_every_signer_with_formulas_neutralised(alice_client, alice, alpha, bravo):
    for name in HOSTILE:
        SignatureFactory(campaign=alpha.campaign, first_name=name)
    url = reverse("admin:petitions_signature_export", args=[alpha.campaign.pk])

    response = alice_client.post(url)
    text = b"".join(response.streaming_content).decode()

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-secret-signatures-')
    rows = parse(text)
    assert [row["first_name"] for row in rows] == ["Alphasigner", *["'" + n if n != "Plain" else n for n in HOSTILE]]
    assert rows[0]["email"] == "alpha.signer@example.net"
    assert "bravo" not in text
    log = SignatureExport.objects.filter(campaign=alpha.campaign, via="admin").exclude(pk=alpha.export.pk).get()
    assert (log.user, log.actor, log.rows, log.completed) == (alice, "alice", len(HOSTILE) + 1, True)
    assert log.finished_at is not None


def test_export_page_says_what_the_file_holds_and_records_nothing_yet(alice_client, alpha):
    response = alice_client.get(reverse("admin:petitions_signature_export", args=[alpha.campaign.pk]))

    assert response.status_code == 200
    assert "Download CSV" in response.content.decode()
    assert "Rows: 1, about" in response.content.decode()
    assert SignatureExport.objects.filter(campaign=alpha.campaign).count() == 1  # the fixture's own


def test_the_size_the_page_announces_is_the_size_of_the_download(alice_client, alpha):
    """Names in several alphabets take two or three bytes a letter; the estimate counts bytes."""
    names = ["Əli", "Мамедова Светлана", "فاطمة", "Gülnar Hüseynova", "José", "Ann"]
    for number in range(240):
        SignatureFactory(
            campaign=alpha.campaign,
            first_name=names[number % len(names)],
            city="Gəncə" * (number % 4),
            message="Azadlıq! " * (number % 7),
        )
    url = reverse("admin:petitions_signature_export", args=[alpha.campaign.pk])

    page = alice_client.get(url)
    downloaded = b"".join(alice_client.post(url).streaming_content)

    rows, size = page.context["rows"], page.context["size"]
    assert rows == len(parse(downloaded.decode())) == 241
    assert abs(size - len(downloaded)) / len(downloaded) < 0.05, (size, len(downloaded))
    assert downloaded.startswith(b"\xef\xbb\xbf")
    assert "Мамедова Светлана" in downloaded.decode()


def test_export_reads_signatures_in_keyset_batches(alpha, django_assert_num_queries):
    SignatureFactory.create_batch(4, campaign=alpha.campaign)

    with django_assert_num_queries(3):
        rows = list(exports.signature_rows(alpha.campaign, batch_size=2))

    assert [row[0] for row in rows] == sorted(alpha.campaign.signatures.values_list("pk", flat=True))


def test_export_stopped_midway_is_logged_as_incomplete(alpha):
    SignatureFactory.create_batch(3, campaign=alpha.campaign)
    lines = exports.export_signatures_csv(campaign=alpha.campaign, actor="alice", via="admin")

    next(lines), next(lines), next(lines)  # the header and two signers, then the download is cancelled
    lines.close()

    log = SignatureExport.objects.latest("pk")
    assert (log.rows, log.completed) == (2, False)


def test_export_command_writes_the_file_with_a_progress_bar(alpha, tmp_path):
    SignatureFactory.create_batch(2, campaign=alpha.campaign)
    output, progress = tmp_path / "signers.csv", io.StringIO()

    call_command("export_signatures", alpha.campaign.slug, output=str(output), stderr=progress)

    assert len(parse(output.read_text())) == 3
    assert "100% 3/3 rows" in progress.getvalue()
    log = SignatureExport.objects.filter(via="command").get()
    assert (log.rows, log.completed, log.user) == (3, True, None)
    assert log.actor.startswith("manage.py export_signatures (")


def test_export_command_names_an_unknown_campaign():
    with pytest.raises(CommandError, match="No campaign with slug 'nope'"):
        call_command("export_signatures", "nope", stdout=io.StringIO())


@pytest.fixture
def shared_with_alpha(alpha, bravo):
    """Bravo's campaign shares with partners; Alpha is linked as the partner behind "bravo-ref"."""
    bravo.campaign.share_with_partners = True
    bravo.campaign.save()
    bravo.partner.organisation = alpha.organisation
    bravo.partner.save()
    for consent, status, source in [
        (True, "confirmed", "bravo-ref"),
        (True, "held", "bravo-ref"),
        (False, "confirmed", "bravo-ref"),
        (True, "confirmed", ""),
    ]:
        SignatureFactory(
            campaign=bravo.campaign,
            first_name=f"P{consent}{status}{source}",
            consent_to_contact=consent,
            status=status,
            source=source,
        )
    return bravo


def test_partner_exports_only_consenting_confirmed_signers_of_its_link(alice_client, alice, shared_with_alpha):
    bravo = shared_with_alpha
    url = reverse("admin:petitions_signature_partner_export", args=[bravo.partner.pk])

    text = b"".join(alice_client.post(url).streaming_content).decode()

    assert [row["first_name"] for row in parse(text)] == ["PTrueconfirmedbravo-ref"]
    log = SignatureExport.objects.get(partner=bravo.partner)
    assert (log.campaign, log.user, log.rows) == (bravo.campaign, alice, 1)


def test_partner_export_is_refused_when_the_campaign_does_not_share(alice_client, shared_with_alpha):
    bravo = shared_with_alpha
    bravo.campaign.share_with_partners = False
    bravo.campaign.save()
    url = reverse("admin:petitions_signature_partner_export", args=[bravo.partner.pk])

    page = alice_client.get(url).content.decode()
    response = alice_client.post(url)

    assert response.status_code == 404
    assert not SignatureExport.objects.filter(partner=bravo.partner).exists()
    assert "there is no file to download" in page
    assert "Download CSV" not in page


@pytest.mark.parametrize("shared", [True, False])
def test_a_partner_sees_the_count_of_its_own_link_shared_or_not(alice_client, shared_with_alpha, shared):
    bravo = shared_with_alpha
    bravo.campaign.share_with_partners = shared
    bravo.campaign.save()

    partners = alice_client.get(reverse("admin:campaigns_partner_changelist")).content.decode()
    page = alice_client.get(reverse("admin:petitions_signature_partner_export", args=[bravo.partner.pk]))

    # Confirmed through "bravo-ref": the fixture's signer and two of the four above (one of them
    # without consent); the held one and the direct one are not the partner's.
    assert f"Confirmed signatures through the link of {bravo.partner.name}: 3." in page.content.decode()
    assert ("Consenting signers (CSV)" if shared else "Count (signers not shared)") in partners
    if shared:
        assert page.context["rows"] == 1


def test_partner_sees_its_partnership_but_not_the_campaign(alice_client, shared_with_alpha):
    bravo = shared_with_alpha

    partners = alice_client.get(reverse("admin:campaigns_partner_changelist"))
    campaign = alice_client.get(reverse("admin:campaigns_campaign_change", args=[bravo.campaign.pk]))
    signatures = alice_client.get(reverse("admin:petitions_signature_changelist"), {"q": "PTrueconfirmedbravo-ref"})

    assert {p.code for p in partners.context["cl"].result_list} == {"alpha-ref", "bravo-ref"}
    assert "Consenting signers (CSV)" in partners.content.decode()
    assert campaign.status_code == 302
    assert list(signatures.context["cl"].result_list) == []


def test_organisers_cannot_link_a_partner_organisation_themselves(alice_client, alpha):
    response = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk]))

    assert 'name="partners-0-organisation"' not in response.content.decode()


def test_export_command_exports_a_partners_share(shared_with_alpha, tmp_path):
    output = tmp_path / "partner.csv"

    call_command("export_signatures", "bravo-secret", partner="bravo-ref", output=str(output), no_progress=True)

    assert [row["first_name"] for row in parse(output.read_text())] == ["PTrueconfirmedbravo-ref"]
    assert SignatureExport.objects.get(via="command").partner.code == "bravo-ref"


@pytest.mark.parametrize(
    ("code", "shared", "message"),
    [("nope", True, "has no partner with code 'nope'"), ("bravo-ref", False, "does not share its signers")],
)
def test_export_command_refuses_a_partner_export_it_cannot_make(shared_with_alpha, code, shared, message):
    shared_with_alpha.campaign.share_with_partners = shared
    shared_with_alpha.campaign.save()

    with pytest.raises(CommandError, match=message):
        call_command("export_signatures", "bravo-secret", partner=code, stdout=io.StringIO())
