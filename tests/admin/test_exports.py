"""Signature exports: streamed CSV of every signer, formulas neutralised, each one in the audit log."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from petitions import exports
from petitions.models import SignatureExport
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain"]


def parse(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


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
    assert SignatureExport.objects.filter(campaign=alpha.campaign).count() == 1  # the fixture's own


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


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("-", "'-"), ("\t", "'\t"), ("a=b", "a=b"), (True, "yes"), (None, ""), (42, "42")],
)
def test_neutralise_quotes_only_formula_starts(value, cell):
    assert exports.neutralise(value) == cell


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
