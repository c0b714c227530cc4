from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from campaigns.enums import CampaignPhase, CampaignStatus
from campaigns.models import Target
from tests.factories import CampaignFactory, MessageTemplateFactory


@pytest.mark.django_db
def test_message_template_save_refuses_unknown_placeholder():
    campaign = CampaignFactory()

    with pytest.raises(ValidationError) as error:
        MessageTemplateFactory(campaign=campaign, letter_body="Dear {target_nam}")

    assert "letter_body" in error.value.message_dict
    assert "{target_nam}" in error.value.message_dict["letter_body"][0]


@pytest.mark.django_db
def test_message_template_one_per_language():
    template = MessageTemplateFactory()

    with pytest.raises(IntegrityError):
        MessageTemplateFactory(campaign=template.campaign, language="en")


@pytest.mark.django_db
def test_campaign_end_before_start_is_refused_by_the_database():
    now = timezone.now()

    with pytest.raises(IntegrityError):
        CampaignFactory(starts_at=now, ends_at=now - timedelta(days=1))


@pytest.mark.django_db
def test_target_timezone_must_be_known():
    target = Target(campaign=CampaignFactory(), name="X", email="x@example.org", timezone="Mars/Olympus")

    with pytest.raises(ValidationError) as error:
        target.full_clean()

    assert "timezone" in error.value.message_dict


@pytest.mark.parametrize(
    ("status", "starts", "ends", "phase"),
    [
        (CampaignStatus.DRAFT, -1, 1, CampaignPhase.DRAFT),
        (CampaignStatus.LIVE, -1, 1, CampaignPhase.OPEN),
        (CampaignStatus.LIVE, 1, 2, CampaignPhase.NOT_YET_OPEN),
        (CampaignStatus.LIVE, -2, -1, CampaignPhase.CLOSED),
        (CampaignStatus.PAUSED, -1, 1, CampaignPhase.PAUSED),
        (CampaignStatus.CLOSED, -1, 1, CampaignPhase.CLOSED),
    ],
)
def test_campaign_phase_combines_status_and_dates(status, starts, ends, phase):
    now = timezone.now()
    campaign = CampaignFactory.build(
        status=status, starts_at=now + timedelta(days=starts), ends_at=now + timedelta(days=ends)
    )

    assert campaign.phase(now) == phase
    assert campaign.is_open(now) is (phase == CampaignPhase.OPEN)
