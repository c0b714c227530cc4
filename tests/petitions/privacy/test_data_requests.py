"""A signer's own data: a private emailed link to see, download and erase it, silent to everyone else."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from campaigns.enums import DeliveryMode
from petitions.core.hashing import email_hash
from petitions.delivery.digests import compose_digests
from petitions.delivery.sending import send_delivery
from petitions.enums import DeliveryStatus
from petitions.mail import signer_mail
from petitions.models import Delivery, Signature
from petitions.privacy import signer_requests
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition
from tests.factories import live_campaign

pytestmark = pytest.mark.django_db

AYSEL = {
    "first_name": "Aysel",
    "last_name": "Mammadova",
    "email": "aysel@example.net",
    "country": "AZ",
    "city": "Ganja",
    "message": "My brother is one of the four.",
}
OTHER = AYSEL | {"first_name": "Rustam", "last_name": "Aliyev", "email": "rustam@example.net"}


@pytest.fixture
def published(monkeypatch):
    ids = []
    monkeypatch.setattr(signer_mail, "publish_ids", lambda task, batch: ids.extend(batch))
    return ids


@pytest.fixture
def aysel(campaign) -> Signature:
    return sign_petition(campaign=campaign, data=AYSEL, language="en", client_ip=None)


def link_path(token_key: str) -> str:
    return re.search(r"http://[^/\s]+(/my-data/\S+/)", signer_requests.data_link(token_key)).group(1)


def test_request_form_answers_every_address_the_same(client, aysel, published):
    known = client.post("/my-data/", {"email": "Aysel@Example.net"}, follow=True)
    unknown = client.post("/my-data/", {"email": "nobody@example.net"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [("/my-data/?sent=1", 302)]
    assert known.content == unknown.content
    assert published == [aysel.pk, signer_requests.NOBODY]


def test_data_link_goes_only_to_an_address_that_signed(aysel):
    sent = signer_requests.send_data_link(signature_id=aysel.pk)
    nobody = signer_requests.send_data_link(signature_id=signer_requests.NOBODY)

    [message] = mail.outbox
    assert (sent, nobody) == (True, False)
    assert message.to == ["aysel@example.net"]
    assert "/my-data/" in message.body
    assert "The link works for 24 hours." in message.body


@override_settings(SIGNER_MAIL_DAILY_CAP=2)
def test_data_links_to_one_address_are_capped(aysel):
    sent = [signer_requests.send_data_link(signature_id=aysel.pk) for _ in range(4)]

    assert sent == [True, True, False, False]


def test_my_data_page_lists_every_campaign_signed_and_nobody_else(client, aysel, organisation):
    second = live_campaign(organisation=organisation, name="Second campaign")
    second.templates.update(page_title="The second campaign's public title")
    sign_petition(campaign=second, data=AYSEL, language="en", client_ip=None)
    sign_petition(campaign=second, data=OTHER, language="en", client_ip=None)

    response = client.get(link_path(aysel.email_hash))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Signed on") == 2
    assert "The second campaign&#x27;s public title" in page
    assert "Second campaign" not in page  # the internal name stays in the admin
    assert "Rustam" not in page
    assert "no-store" in response["Cache-Control"]


def test_export_downloads_the_signers_data_and_letters(client, aysel):
    send_delivery(delivery_id=Delivery.objects.get().pk)

    response = client.get(link_path(aysel.email_hash) + "export.json")

    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="my-signatures.json"'
    [signature] = data["signatures"]
    assert (signature["first_name"], signature["email"], signature["city"]) == ("Aysel", "aysel@example.net", "Ganja")
    [letter] = signature["letters"]
    assert (letter["status"], letter["to"]) == ("sent", "Presidential Administration")
    assert "Aysel Mammadova" in letter["text"]


def test_erasing_needs_the_box_ticked(client, aysel):
    response = client.post(link_path(aysel.email_hash), {})

    assert response.status_code == 200
    assert Signature.objects.get().first_name == "Aysel"


def test_erasing_clears_the_signer_and_their_letters_and_keeps_the_count(client, aysel):
    send_delivery(delivery_id=Delivery.objects.get().pk)
    path = link_path(aysel.email_hash)

    response = client.post(path, {"confirm": "on"}, follow=True)

    aysel.refresh_from_db()
    letter = Delivery.objects.get()
    assert "are erased" in response.content.decode()
    assert (aysel.first_name, aysel.last_name, aysel.email, aysel.city, aysel.message) == ("", "", "", "", "")
    assert "Aysel" not in letter.body
    assert "My brother" not in letter.body
    assert letter.status == DeliveryStatus.SENT
    assert campaign_counters(aysel.campaign).signatures == 1
    assert "Signed on" not in client.get(path).content.decode()


def test_erasing_cancels_a_letter_still_waiting(aysel):
    signer_requests.erase_signatures(key=aysel.email_hash)

    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED


def test_erasing_removes_the_name_from_a_digest_and_leaves_the_others(campaign):
    campaign.delivery_mode = DeliveryMode.DIGEST
    campaign.save()
    aysel = sign_petition(campaign=campaign, data=AYSEL, language="en", client_ip=None)
    sign_petition(campaign=campaign, data=OTHER, language="en", client_ip=None)
    compose_digests(now=timezone.now() + timedelta(days=1))

    signer_requests.erase_signatures(key=aysel.email_hash)

    digest = Delivery.objects.get(signature__isnull=True)
    assert "Aysel" not in digest.body
    assert "Rustam Aliyev" in digest.body


def test_erasure_of_a_letter_being_sent_finishes_on_the_next_run(aysel):
    Delivery.objects.update(status=DeliveryStatus.SENDING)

    now_erased = signer_requests.erase_signatures(key=aysel.email_hash)
    Delivery.objects.update(status=DeliveryStatus.SENT)
    later_erased = signer_requests.finish_erasures()

    assert (now_erased, later_erased) == (0, 1)
    assert Signature.objects.get().email == ""


def test_data_link_expires(client, aysel, monkeypatch):
    path = link_path(aysel.email_hash)
    tomorrow = time.time() + 25 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: tomorrow)

    assert client.get(path).status_code == 404


def test_data_link_key_is_the_address_hash(aysel):
    assert signer_requests.key_for_token(link_path(aysel.email_hash).split("/")[2]) == email_hash("aysel@example.net")


def test_my_data_shows_the_choice_of_being_named_in_full(client, campaign):
    signature = sign_petition(
        campaign=campaign,
        data=AYSEL | {"show_name_publicly": True, "show_full_name_in_handover": True},
        language="en",
        client_ip=None,
    )

    page = client.get(link_path(signature.email_hash)).content.decode()
    data = json.loads(client.get(link_path(signature.email_hash) + "export.json").content)

    assert "by your full name in the list handed to the target" in page.replace("&#x27;", "'")
    assert data["signatures"][0]["show_full_name_in_handover"] == "True"


def test_my_data_says_first_name_only_without_it(client, aysel):
    page = client.get(link_path(aysel.email_hash)).content.decode()

    assert "You chose not to be shown" in page
    assert (
        json.loads(client.get(link_path(aysel.email_hash) + "export.json").content)["signatures"][0][
            "show_full_name_in_handover"
        ]
        == "False"
    )
