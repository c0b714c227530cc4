"""The signer's own voice: an edited letter or an opening paragraph, stored and sent as written."""

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.enums import SignerVoice
from petitions.delivery.digests import compose_digests
from petitions.delivery.sending import send_delivery
from petitions.mail.letters import render_digest
from petitions.models import Delivery, Signature
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

DEFAULT_BODY = (
    "Dear {target_name},\n\nRelease the four trade unionists.\n\n{signer_message}\n\nYours,\n{signer_signoff}"
)
OWN_BODY = (
    "Dear {target_name},\n\nI am a nurse in Leeds & I write as one <b>worker</b> to another: "
    "let the four go home.\n\nWith respect,\n{signer_signoff}"
)


@pytest.fixture
def editable(campaign):
    campaign.signer_voice = SignerVoice.EDIT
    campaign.save()
    return campaign


@pytest.fixture
def with_paragraph(campaign):
    campaign.signer_voice = SignerVoice.PARAGRAPH
    campaign.save()
    return campaign


def _sign(client, campaign, data):
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="203.0.113.7")


def _send_all() -> None:
    for delivery in Delivery.objects.all():
        send_delivery(delivery_id=delivery.pk)


def test_an_editable_letter_is_offered_prefilled_with_its_placeholders(client, editable):
    page = client.get(f"/en/c/{editable.slug}/").content.decode()

    assert 'name="own_subject"' in page
    assert 'value="Release the jailed trade unionists"' in page
    assert "Dear {target_name},\n\nRelease the four trade unionists." in page
    assert "keep them" in page
    assert "{target_name} {signer_signoff}" in page


def test_a_fixed_letter_offers_no_editor_and_ignores_one_posted(client, campaign, bob_form):
    page = client.get(f"/en/c/{campaign.slug}/").content.decode()
    assert 'name="own_body"' not in page
    assert 'name="own_paragraph"' not in page

    _sign(client, campaign, bob_form | {"own_subject": "Mine", "own_body": "My own {signer_signoff}"})

    assert (Signature.objects.get().own_subject, Signature.objects.get().own_body) == ("", "")


def test_the_letter_sent_is_exactly_what_the_signer_wrote(client, editable, bob_form):
    _sign(client, editable, bob_form | {"own_subject": "A nurse asks you to free the four", "own_body": OWN_BODY})
    _send_all()

    signature = Signature.objects.get()
    assert (signature.own_subject, signature.own_body) == ("A nurse asks you to free the four", OWN_BODY)
    [letter] = mail.outbox
    assert letter.subject == "A nurse asks you to free the four"
    assert letter.body == (
        "Dear Presidential Administration,\n\nI am a nurse in Leeds & I write as one <b>worker</b> to another: "
        "let the four go home.\n\nWith respect,\nBob Builder\nUnite the Union, Leeds, United Kingdom\n"
    )
    html = letter.alternatives[0][0]
    assert "&lt;b&gt;worker&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "Leeds &amp; I" in html
    stored = Delivery.objects.get()
    assert (stored.subject, stored.body) == (letter.subject, letter.body)
    assert (stored.subject_variant, stored.body_variant) == (None, None)


def test_an_unchanged_letter_is_the_campaigns_not_the_signers(client, editable, bob_form):
    _sign(
        client,
        editable,
        bob_form
        | {"own_subject": "Release the jailed trade unionists", "own_body": DEFAULT_BODY.replace("\n", "\r\n")},
    )
    _send_all()

    assert Signature.objects.get().own_body == ""
    assert Delivery.objects.get().body_variant == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"own_body": "Dear {target_name}, free them. Bob"}, "Please keep {signer_signoff} in your letter"),
        ({"own_body": "Free them.\n\n{signer_signoff}"}, "Please keep {target_name} in your letter"),
        ({"own_subject": "Free them\r\nBcc: mallory@example.net"}, "Please write this on one line"),
        ({"own_subject": ""}, "This field is required"),
        ({"own_subject": "x" * 201}, "Your text is 201 characters long; the limit is 200"),
        ({"own_body": OWN_BODY + "y" * 5000}, "the limit is 5000"),
        ({"own_body": OWN_BODY + "\nSee https://evil.example.com/x"}, "Please leave out web addresses"),
        ({"own_body": OWN_BODY + "\x1b[2J"}, "Please remove the special characters"),
        ({"own_body": OWN_BODY + "\x00"}, "Null characters are not allowed"),
    ],
)
def test_an_edited_letter_is_checked_and_refused_kept_as_typed(client, editable, bob_form, change, error):
    data = bob_form | {"own_subject": "A nurse asks you", "own_body": OWN_BODY} | change

    response = _sign(client, editable, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Signature.objects.exists()


def test_placeholder_tricks_in_an_edited_letter_stay_text(client, editable, bob_form):
    body = "Dear {target_name}, {signer_name.__class__} {0} %s {{ settings.SECRET_KEY }} {unknown}\n\n{signer_signoff}"
    _sign(client, editable, bob_form | {"own_subject": "About {signer_name}", "own_body": body})
    _send_all()

    [letter] = mail.outbox
    assert letter.subject == "About Bob Builder"
    assert letter.body.startswith(
        "Dear Presidential Administration, {signer_name.__class__} {0} %s {{ settings.SECRET_KEY }} {unknown}\n\n"
    )


def test_a_link_of_the_campaigns_own_letter_may_stay(client, editable, bob_form):
    template = editable.templates.get()
    template.letter_body = DEFAULT_BODY + "\n\nhttps://free-the-four.example.org"
    template.save()
    editable.save()
    body = OWN_BODY + "\n\nhttps://free-the-four.example.org"

    _sign(client, editable, bob_form | {"own_subject": "A nurse asks you", "own_body": body})

    assert Signature.objects.get().own_body == body


def test_a_personal_paragraph_follows_the_greeting(client, with_paragraph, bob_form):
    page = client.get(f"/en/c/{with_paragraph.slug}/").content.decode()
    assert 'name="own_paragraph"' in page
    assert 'name="own_body"' not in page

    _sign(client, with_paragraph, bob_form | {"message": "", "own_paragraph": "My brother is one of the four."})
    _send_all()

    [letter] = mail.outbox
    assert letter.body.startswith(
        "Dear Presidential Administration,\n\nMy brother is one of the four.\n\nRelease the four trade unionists."
    )
    assert Signature.objects.get().own_paragraph == "My brother is one of the four."


def test_a_personal_paragraph_leads_a_letter_without_a_greeting(client, with_paragraph, bob_form):
    template = with_paragraph.templates.get()
    template.letter_body = "Release the four trade unionists.\n\n{signer_signoff}"
    template.save()
    with_paragraph.save()

    _sign(client, with_paragraph, bob_form | {"own_paragraph": "I was in that prison too."})
    _send_all()

    assert mail.outbox[0].body.startswith("I was in that prison too.\n\nRelease the four")


def test_digests_carry_each_signers_paragraph_and_own_letter(campaign):
    paragraph = SignatureFactory(campaign=campaign, first_name="Ann", own_paragraph="My brother is one of the four.")
    edited = SignatureFactory(
        campaign=campaign, first_name="Cem", own_subject="From a nurse", own_body="Dear {target_name}, free them."
    )
    target = campaign.targets.get()

    _subject, body = render_digest(
        campaign=campaign, target=target, signatures=[paragraph, edited], period_label="3 December", part=(1, 1)
    )

    assert "Personal messages from the signers:\n\nAnn " in body
    assert "My brother is one of the four." in body
    assert "Letters the signers wrote in their own words:\n\nCem " in body
    assert "From a nurse\n\nDear Presidential Administration, free them." in body


def test_a_digest_campaigns_signers_own_words_reach_the_digest_sent(client, editable, bob_form):
    editable.delivery_mode = "digest"
    editable.save()
    _sign(client, editable, bob_form | {"own_subject": "A nurse asks you", "own_body": OWN_BODY})
    Delivery.objects.update(created_at="2020-01-01T10:00:00Z")
    compose_digests()
    _send_all()

    [digest] = mail.outbox
    assert "I am a nurse in Leeds & I write as one <b>worker</b> to another" in digest.body


def test_a_letter_edited_on_a_page_without_its_languages_version_is_in_the_version_shown(client, editable, bob_form):
    """The Russian page shows the English letter (there is no Russian one): the country is named in English."""
    client.post(
        f"/ru/c/{editable.slug}/",
        bob_form | {"own_subject": "A nurse asks you", "own_body": OWN_BODY},
        REMOTE_ADDR="203.0.113.7",
    )
    _send_all()

    [letter] = mail.outbox
    assert Signature.objects.get().language == "ru"
    assert letter.body.endswith("Unite the Union, Leeds, United Kingdom\n")
    assert 'lang="en"' in letter.alternatives[0][0]
