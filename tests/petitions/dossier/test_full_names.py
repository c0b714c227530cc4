"""Last names in the dossier: only for signers who asked to be named in full, and never where the
campaign's signers may be at risk."""

import csv
import io

import pytest

from petitions.models import Signature
from tests.petitions.dossier.conftest import build, csv_text, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def aysel_in_full(signers):
    Signature.objects.filter(pk=signers["aysel"].pk).update(show_full_name_in_handover=True)
    # Ticked, but not shown at all: the box alone lists nobody.
    Signature.objects.filter(pk=signers["hidden"].pk).update(show_full_name_in_handover=True)
    return signers


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_signer_who_asked_is_named_in_full_and_the_others_by_first_name(campaign, aysel_in_full):
    dossier = build(campaign)
    pdf, table = pdf_text(dossier), rows(csv_text(dossier))

    assert "Aysel Məmmədova · Azerbaijan" in pdf
    assert "Светлана · Russia" in pdf
    assert "Иванова" not in pdf
    assert "the last name only where the signer asked to be named in full" in " ".join(pdf.split())
    assert ["Name", "Country"] in table
    assert ["Aysel Məmmədova", "Azerbaijan"] in table
    assert ["Светлана", "Russia"] in table
    for text in (pdf, csv_text(dossier)):
        for private in ("Unshown", "Person", "Иванова"):
            assert private not in text


def test_without_the_consent_only_first_names_as_before(campaign, signers):
    dossier = build(campaign)
    pdf, table = pdf_text(dossier), rows(csv_text(dossier))

    assert "Aysel · Azerbaijan" in pdf
    assert "Məmmədova" not in pdf
    assert "First name and country, as each signer agreed to be shown publicly." in " ".join(pdf.split())
    assert ["First name", "Country"] in table
    assert ["Aysel", "Azerbaijan"] in table
    assert "Məmmədova" not in csv_text(dossier)


def test_where_signers_may_be_at_risk_no_last_name_is_handed_over_even_with_the_flag(campaign, aysel_in_full):
    campaign.signers_at_risk = True
    campaign.save()

    dossier = build(campaign)
    pdf, text = pdf_text(dossier), csv_text(dossier)

    for private in ("Məmmədova", "Иванова", "Person"):
        assert private not in pdf
        assert private not in text
    assert "Aysel · Other countries" in pdf
    assert ["First name", "Country"] in rows(text)
