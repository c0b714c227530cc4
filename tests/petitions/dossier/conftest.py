"""A campaign with signers in several alphabets and letters sent, for its delivery dossier."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from campaigns.models import MessageTemplate, Partner
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Dossier
from petitions.privacy import dossier as dossiers
from tests.factories import SignatureFactory

SENT_AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Dossiers written under the test's own folder."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


@pytest.fixture
def signers(campaign):
    """Shown and unshown signers, one held, one through a partner; two letters sent, one delivered."""
    target = campaign.targets.get()
    partner = Partner.objects.create(campaign=campaign, name="Dockers' Union", code="dockers")
    MessageTemplate.objects.create(
        campaign=campaign,
        language="az",
        page_title="Dördlüyü azad edin",
        story="Dörd həmkarlar ittifaqı fəalı həbsdədir.",
        letter_subject="Həmkarları azad edin",
        letter_body="Hörmətli {target_name},\n\nƏziz dostlarımızı azad edin.\n\n{signer_signoff}",
    )
    MessageTemplate.objects.create(
        campaign=campaign,
        language="ar",
        page_title="أطلقوا سراح الأربعة",
        story="أربعة نقابيين في السجن.",
        letter_subject="أطلقوا سراح النقابيين",
        letter_body="السيد {target_name}،\n\nأطلقوا سراحهم.\n\n{signer_signoff}",
    )
    rows = {
        "aysel": SignatureFactory(
            campaign=campaign,
            first_name="Aysel",
            last_name="Məmmədova",
            email="aysel.private@example.net",
            country="AZ",
            show_name_publicly=True,
            source=partner.code,
        ),
        "svetlana": SignatureFactory(
            campaign=campaign, first_name="Светлана", last_name="Иванова", country="RU", show_name_publicly=True
        ),
        "hidden": SignatureFactory(campaign=campaign, first_name="Unshown", last_name="Person", country="TR"),
        "held": SignatureFactory(
            campaign=campaign, first_name="Heldback", country="AZ", show_name_publicly=True, status="held"
        ),
    }
    for number, (signature, status) in enumerate(
        [(rows["aysel"], DeliveryStatus.DELIVERED), (rows["svetlana"], DeliveryStatus.SENT)]
    ):
        Delivery.objects.create(
            campaign=campaign,
            signature=signature,
            target=target,
            status=status,
            sent_at=SENT_AT + timedelta(days=number),
            message_id=f"<letter-{number}.abc@outcry.example.org>",
        )
    Delivery.objects.create(campaign=campaign, signature=rows["hidden"], target=target)  # queued: not sent
    return rows


def build(campaign, *, language="en", message_ids=False, target=None, user=None) -> Dossier:
    dossier = Dossier.objects.create(
        campaign=campaign, target=target, language=language, include_message_ids=message_ids, requested_by=user
    )
    assert dossiers.build_dossier(dossier.pk) == "ready"
    dossier.refresh_from_db()
    return dossier


def csv_text(dossier: Dossier) -> str:
    with dossier.csv.open("rb") as handle:
        return handle.read().decode()


def pdf_text(dossier: Dossier) -> str:
    with dossier.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)
