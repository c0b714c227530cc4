"""Signers who choose whom to write to: the page lists the targets as boxes to tick, a letter goes to
each ticked one (never more than the campaign allows), and a wrong choice is explained with what was
typed kept."""

import re

import pytest
from django.urls import reverse

from campaigns.enums import TargetRouting
from campaigns.routing import targets_for
from petitions.models import Delivery, Signature
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def choosing(campaign):
    campaign.target_routing = TargetRouting.CHOICE
    campaign.target_choice_limit = 2
    campaign.save()
    campaign.targets.all().delete()
    names = ["Ministry of Justice", "Ministry of Labour", "Prosecutor General", "Ombudsperson"]
    targets = [TargetFactory(campaign=campaign, name=name, title="") for name in names]
    targets[-1].is_default = True
    targets[-1].save()
    return campaign, targets


def post(client, campaign, data):
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="198.51.100.4")


def test_the_form_lists_the_targets_to_tick_and_the_limit(client, choosing):
    campaign, targets = choosing

    page = client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()

    assert "Whom do you write to?" in page
    assert "Choose up to 2." in page
    for target in targets:
        assert f'name="targets" value="{target.pk}"' in page


def test_a_letter_goes_to_each_ticked_target_and_no_other(client, choosing, bob_form):
    campaign, targets = choosing

    response = post(client, campaign, bob_form | {"targets": [targets[0].pk, targets[2].pk]})

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.chosen_targets == [targets[0].pk, targets[2].pk]
    assert set(Delivery.objects.values_list("target__name", flat=True)) == {"Ministry of Justice", "Prosecutor General"}


def test_ticking_more_than_allowed_is_explained_and_keeps_what_was_typed(client, choosing, bob_form):
    campaign, targets = choosing

    response = post(client, campaign, bob_form | {"targets": [target.pk for target in targets[:3]]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "You chose 3 targets; you may write to 2 at most. Untick the others." in page
    assert 'value="Builder"' in page
    ticked = {int(pk) for pk in re.findall(r'name="targets" value="(\d+)"[^>]*checked', page)}
    assert ticked == {target.pk for target in targets[:3]}
    assert not Signature.objects.exists()


def test_ticking_none_asks_for_one(client, choosing, bob_form):
    campaign, _targets = choosing

    page = post(client, campaign, bob_form).content.decode()

    assert "Choose at least one target to write to." in page
    assert not Signature.objects.exists()


def test_a_target_that_is_not_the_campaigns_is_refused(client, choosing, bob_form):
    campaign, _targets = choosing
    elsewhere = TargetFactory(name="Another campaign's target")

    page = post(client, campaign, bob_form | {"targets": [elsewhere.pk]}).content.decode()

    assert "is not one of the available choices" in page
    assert not Delivery.objects.exists()


def test_the_rule_keeps_to_the_limit_and_falls_back_to_the_default(choosing):
    campaign, targets = choosing

    assert targets_for(campaign, targets, chosen=[t.pk for t in targets]) == targets[:2]
    assert targets_for(campaign, targets, chosen=[]) == [targets[-1]]
    assert targets_for(campaign, targets, chosen=[10**9]) == [targets[-1]]
