"""Variants and the signer's own words in the admin: the builder's fields and the preview's counts."""

import csv
import io

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from petitions.delivery.sending import send_delivery
from tests.admin.test_builder import ADD, new_campaign_form
from tests.factories import SignatureFactory, queue_letters

pytestmark = pytest.mark.django_db


def test_an_organiser_writes_variants_and_lets_signers_edit(alice_client, alpha):
    data = new_campaign_form(
        alpha.organisation,
        signer_voice="edit",
        **{
            "templates-0-subject_alternatives": "Free the four now\r\n\r\nFour unionists in jail, {target_name}",
            "templates-0-body_alternatives": (
                "Dear {target_name},\r\n\r\nFree them.\r\n---\r\nTo {target_name}: free them."
            ),
        },
    )

    response = alice_client.post(ADD, data)

    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="free-the-four")
    template = campaign.templates.get()
    assert campaign.signer_voice == "edit"
    assert template.subject_variants() == ["Release them", "Free the four now", "Four unionists in jail, {target_name}"]
    assert template.body_variants()[1:] == ["Dear {target_name},\n\nFree them.", "To {target_name}: free them."]


def test_a_variant_with_an_unknown_placeholder_is_named(alice_client, alpha):
    data = new_campaign_form(alpha.organisation, **{"templates-0-body_alternatives": "Dear {target_nmae}"})

    response = alice_client.post(ADD, data)

    assert response.status_code == 200
    assert "Unknown placeholder(s): {target_nmae}" in response.content.decode()


def test_the_builder_shows_the_variant_fields_and_the_signers_voice(alice_client, alpha):
    page = alice_client.get(ADD, headers={"accept-language": "en"}).content.decode()

    assert 'name="templates-0-subject_alternatives"' in page
    assert 'name="templates-0-body_alternatives"' in page
    assert "Signers may edit the subject and the letter, starting from yours" in page


def test_the_letter_preview_lists_the_variants_and_the_letters_each_got(alice_client, alpha):
    template = alpha.template
    template.subject_alternatives = "Free the four now\nFour unionists in jail"
    template.body_alternatives = "Dear {target_name},\n\nFree them.\n\n{signer_signoff}"
    template.save()
    for _ in range(7):
        for delivery_id in queue_letters(signature=SignatureFactory(campaign=alpha.campaign)):
            send_delivery(delivery_id=delivery_id)

    page = alice_client.get(reverse("admin:petitions_delivery_letter_preview", args=[alpha.campaign.pk])).content
    page = page.decode()

    assert "6 combinations in all" in page
    subjects = page[page.index('data-variants="subjects"') : page.index('data-variants="bodies"')]
    bodies = page[page.index('data-variants="bodies"') :]
    assert "Free the four now</td><td data-count>2</td>" in subjects
    assert "Four unionists in jail</td><td data-count>2</td>" in subjects
    assert "<td data-count>3</td>" in subjects
    assert bodies.count("<td data-count>") == 2
    assert "<td data-count>4</td>" in bodies
    assert "<td data-count>3</td>" in bodies


def test_the_export_has_the_signers_own_words(alice_client, alpha):
    SignatureFactory(
        campaign=alpha.campaign, first_name="Ann", own_subject="From a nurse", own_body="Dear {target_name}, free them."
    )
    SignatureFactory(campaign=alpha.campaign, first_name="Cem", own_paragraph="My brother is one of the four.")

    response = alice_client.post(reverse("admin:petitions_signature_export", args=[alpha.campaign.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))

    by_name = {row["first_name"]: row for row in rows}
    assert (by_name["Ann"]["own_subject"], by_name["Ann"]["own_body"]) == (
        "From a nurse",
        "Dear {target_name}, free them.",
    )
    assert by_name["Cem"]["own_paragraph"] == "My brother is one of the four."
