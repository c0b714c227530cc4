"""What a delivery dossier holds, in its PDF and its CSV: the campaign's text and counts, the first
names and countries of signers who chose to be shown, and the letters' log; nothing more of anyone."""

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation

from petitions.models import Dossier
from petitions.privacy import dossier as dossiers
from petitions.privacy.retention import anonymise_campaign
from tests.factories import SignatureFactory
from tests.petitions.dossier.conftest import build, csv_text, pdf_text

pytestmark = pytest.mark.django_db

PRIVATE = ["Məmmədova", "Иванова", "aysel.private@example.net", "@example.net", "Unshown", "Heldback"]


def test_the_csv_holds_the_counts_and_the_shown_signers_and_nobody_else(campaign, signers):
    text = csv_text(build(campaign))

    assert text.startswith("\ufeff"), "no byte order mark: Excel would garble Aysel's country"
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["Campaign", "Free the Workers' Table four"] in rows
    assert ["Signatures online", "3"] in rows
    assert ["Country", "Signatures"] in rows
    assert ["Azerbaijan", "1"] in rows
    assert ["Russia", "1"] in rows
    assert ["Türkiye", "1"] in rows
    assert ["Dockers' Union", "1"] in rows
    assert ["No partner link", "2"] in rows
    assert ["Aysel", "Azerbaijan"] in rows
    assert ["Светлана", "Russia"] in rows
    assert [
        "Presidential Administration, Head of Administration",
        "2",
        "1",
        "2026-11-30 13:15 +0400",
        "2026-12-01 13:15 +0400",
    ] in rows
    assert ["Presidential Administration, Head of Administration", "2026-11-30", "1", "1"] in rows
    assert ["Presidential Administration, Head of Administration", "2026-12-01", "1", "0"] in rows
    for private in PRIVATE:
        assert private not in text


def test_the_pdf_holds_the_story_the_letter_the_counts_and_first_names_only(campaign, signers):
    text = pdf_text(build(campaign))

    assert "Free the Workers' Table four" in text
    assert "Four trade unionists are in jail for organising." in text
    assert "Release the jailed trade unionists" in text
    assert "Aysel · Azerbaijan" in text
    assert "Светлана · Russia" in text
    assert "Dockers' Union" in text
    assert "Letters sent: 2, of which the mail server reported 1 delivered." in text
    for private in PRIVATE:
        assert private not in text
    assert "letter-0.abc" not in text


def test_in_the_signers_language_the_text_and_the_country_names_are_theirs(campaign, signers):
    text = pdf_text(build(campaign, language="az"))

    assert "Dördlüyü azad edin" in text
    assert "Hörmətli Presidential Administration" in text
    assert "Aysel · Azərbaycan" in text


def test_message_ids_only_when_asked_for(campaign, signers):
    plain = build(campaign)
    asked = build(campaign, message_ids=True)

    assert "letter-0.abc" not in csv_text(plain) + pdf_text(plain)
    assert "<letter-0.abc@outcry.example.org>" in csv_text(asked)
    assert "<letter-1.abc@outcry.example.org>" in csv_text(asked)
    assert "letter-0.abc@outcry.example.org" in pdf_text(asked).replace("\n", "")


def test_where_signers_may_be_at_risk_a_country_of_few_signers_is_never_named(campaign, signers):
    campaign.signers_at_risk = True
    campaign.save()
    for number in range(4):
        SignatureFactory(campaign=campaign, first_name=f"Leyla{number}", country="AZ", show_name_publicly=True)

    dossier = build(campaign)
    text, pdf = csv_text(dossier), pdf_text(dossier)

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["Azerbaijan", "5"] in rows
    assert ["Other countries", "2"] in rows
    assert ["Светлана", "Other countries"] in rows
    assert "Russia" not in text
    assert "Türkiye" not in text
    assert "Russia" not in pdf
    assert "Türkiye" not in pdf
    assert "fewer than five signers is counted under other countries" in pdf


def test_a_dossier_for_one_target_logs_only_its_letters(campaign, signers):
    other = campaign.targets.create(name="Ministry of Justice", email="justice@example.org", timezone="Europe/Moscow")

    text = csv_text(build(campaign, target=other))

    assert "Ministry of Justice" in text
    assert "Presidential Administration" not in text.split("Target", 1)[1]


def test_formulas_in_names_are_written_as_text(campaign, signers):
    SignatureFactory(campaign=campaign, first_name="=HYPERLINK", country="GB", show_name_publicly=True)

    assert "'=HYPERLINK" in csv_text(build(campaign))


def test_the_progress_moves_chunk_by_chunk_to_the_end(campaign, signers, monkeypatch):
    for number in range(5):
        SignatureFactory(campaign=campaign, first_name=f"Name{number}", show_name_publicly=True)
    monkeypatch.setattr(dossiers, "CHUNK", 2)
    seen = []
    advance = dossiers._advance

    def watched(dossier, done, step):
        result = advance(dossier, done, step)
        row = Dossier.objects.get(pk=dossier.pk)
        seen.append((row.state, row.done, row.total, row.percent))
        return result

    monkeypatch.setattr(dossiers, "_advance", watched)

    dossier = build(campaign)

    assert [done for _state, done, _total, _percent in seen] == [2, 4, 6, 7, 9, 9]
    assert {(state, total) for state, _done, total, _percent in seen} == {("building", 10)}
    assert (dossier.state, dossier.done, dossier.total, dossier.percent) == ("ready", 10, 10, 100)


def test_a_dossier_is_built_once_even_if_its_message_comes_twice(campaign, signers):
    dossier = build(campaign)

    assert dossiers.build_dossier(dossier.pk) == "skipped"


def test_retention_deletes_the_dossiers_and_their_files(campaign, signers):
    dossier = build(campaign)
    paths = [dossier.pdf.path, dossier.csv.path]

    anonymise_campaign(campaign=campaign)

    assert not Dossier.objects.filter(campaign=campaign).exists()
    assert not any(Path(path).exists() for path in paths)


def test_an_arabic_dossier_of_a_campaign_without_an_arabic_letter_prints_the_english_left_to_right(campaign, signers):
    campaign.templates.filter(language="ar").delete()
    dossier = Dossier.objects.create(campaign=campaign, language="ar")
    with translation.override("ar"):
        html = dossiers.render_html(dossiers.collect(dossier))

    assert '<html lang="en" dir="rtl">' not in html
    assert 'dir="rtl">' in html.split("<body>")[0]  # the dossier's own words run right to left
    letter = html.split('<div class="letter">')[0].rsplit("<div", 1)[1]
    assert 'lang="en" dir="ltr"' in letter
