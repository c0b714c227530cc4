"""The box "name me in full in the list handed to the target": offered and honoured only where the
campaign's signers are not at risk."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.selectors import forget_campaign_pages
from petitions.models import Signature

pytestmark = pytest.mark.django_db

LABEL = "Name me in full in the list handed to the target"


def page(client, campaign) -> str:
    return client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()


def sign(client, campaign, data):
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="203.0.113.7")


def test_where_nobody_is_at_risk_the_box_sits_with_the_other_consents_and_is_stored(client, campaign, bob_form):
    shown = page(client, campaign)
    sign(client, campaign, bob_form | {"show_name_publicly": "on", "show_full_name_in_handover": "on"})

    assert LABEL in shown
    assert "checked" not in shown.split('name="show_full_name_in_handover"')[1][:80]
    names = ("consent_to_contact", "show_name_publicly", "show_full_name_in_handover", "wants_receipt")
    order = [shown.index(f'name="{name}"') for name in names]
    assert order == sorted(order), "the box belongs right under the one it extends"
    signature = Signature.objects.get()
    assert (signature.show_name_publicly, signature.show_full_name_in_handover) == (True, True)


def test_left_unticked_it_stays_off(client, campaign, bob_form):
    sign(client, campaign, bob_form | {"show_name_publicly": "on"})

    assert Signature.objects.get().show_full_name_in_handover is False


def test_where_signers_may_be_at_risk_it_is_never_offered_nor_honoured(client, opt_in_campaign, bob_form):
    shown = page(client, opt_in_campaign)
    sign(client, opt_in_campaign, bob_form | {"show_name_publicly": "on", "show_full_name_in_handover": "on"})

    assert LABEL not in shown
    assert 'name="show_full_name_in_handover"' not in shown
    assert Signature.objects.get().show_full_name_in_handover is False


def test_the_cached_blank_form_follows_the_campaign_into_being_at_risk(client, campaign):
    before = page(client, campaign)
    # Changed without touching updated_at: the cached form must not outlive the setting.
    Campaign.objects.filter(pk=campaign.pk).update(signers_at_risk=True)
    forget_campaign_pages()

    after = page(client, campaign)

    assert LABEL in before
    assert LABEL not in after
