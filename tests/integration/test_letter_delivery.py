"""Signing in a browser to a letter in the target's mailbox: web server, broker, worker, SMTP."""

import time

import pytest
from django.conf import settings

from petitions.enums import DeliveryStatus
from petitions.mail.addresses import bounce_address, reply_address
from petitions.mail.letters import letter_message_id
from petitions.models import Delivery, Signature
from tests.factories import LETTER_BODY
from tests.integration.processes import wait_until

pytestmark = pytest.mark.integration

SIGNER_MESSAGE = "Freedom of association is not a crime. <script>alert(1)</script>"


def expected_letter_body(*, target_name: str, signer_message: str) -> str:
    """The factory's letter template filled in by hand for bob."""
    return (
        LETTER_BODY.format(
            target_name=target_name,
            signer_message=signer_message,
            signer_signoff="Bob Builder\nUnite the Union, Leeds, United Kingdom",
        )
        + "\n"
    )


def wait_for_counters(browser, slug: str, expected: dict) -> dict:
    """counter.json is cached for COUNTER_CACHE_SECONDS: poll until it shows `expected` or time is up,
    and return what it showed last."""
    deadline = time.monotonic() + settings.COUNTER_CACHE_SECONDS + 8
    while True:
        counters = browser.counters(slug)
        if counters == expected or time.monotonic() > deadline:
            return counters
        time.sleep(0.2)


def test_letter_delivery_after_signing_over_http(letter_campaign, bob_form, smtp_server, celery_worker, web_server):
    target = letter_campaign.targets.get()
    form = bob_form | {"message": SIGNER_MESSAGE}
    thanks_url = f"{web_server.base_url}/c/{letter_campaign.slug}/share/"

    response = web_server.sign(letter_campaign.slug, form)
    letters = smtp_server.wait_for_messages(1, then_quiet_for=2.0)
    delivery = wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).first(),
        timeout=10,
        what="the delivery to be recorded as sent",
    )

    assert (response.status_code, response.url, [r.status_code for r in response.history]) == (200, thanks_url, [302])
    assert len(letters) == 1
    letter = letters[0]
    # Bounces go to the letter's own address, replies to another: neither is the signer's.
    assert letter.mail_from == bounce_address(delivery.pk)
    assert letter.rcpt_tos == [target.email]
    message = letter.message
    assert str(message["From"]) == f"Bob Builder via {settings.SITE_NAME} <{settings.DEFAULT_FROM_EMAIL}>"
    assert str(message["To"]) == f"Presidential Administration <{target.email}>"
    assert str(message["Subject"]) == "Release the jailed trade unionists"
    assert str(message["Message-ID"]) == letter_message_id(delivery.pk)
    assert str(message["Reply-To"]) == reply_address(delivery.pk)
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content() == expected_letter_body(
        target_name="Presidential Administration", signer_message=SIGNER_MESSAGE
    )
    html = message.get_body(("html",)).get_content()
    assert "<p>Freedom of association is not a crime. &lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<script" not in html
    assert b"bob.builder@example.net" not in letter.raw.lower()
    assert (delivery.attempts, delivery.message_id, delivery.last_error) == (1, letter_message_id(delivery.pk), "")
    expected_counters = {"signatures": 1, "emails_sent": 1, "goal": 100, "paper": 0, "total": 1, "own_mail": 0}
    assert wait_for_counters(web_server, letter_campaign.slug, expected_counters) == expected_counters


def test_letter_delivery_when_the_same_email_signs_twice(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server
):
    thanks_url = f"{web_server.base_url}/c/{letter_campaign.slug}/share/"

    first = web_server.sign(letter_campaign.slug, bob_form)
    second = web_server.sign(letter_campaign.slug, bob_form)
    letters = smtp_server.wait_for_messages(1, then_quiet_for=2.0)

    assert (first.status_code, first.url) == (200, thanks_url)
    assert (second.status_code, second.url) == (200, thanks_url)
    assert len(letters) == 1
    assert Signature.objects.filter(campaign=letter_campaign).count() == 1
    assert list(Delivery.objects.filter(campaign=letter_campaign).values_list("status", flat=True)) == [
        DeliveryStatus.SENT
    ]
    expected_counters = {"signatures": 1, "emails_sent": 1, "goal": 100, "paper": 0, "total": 1, "own_mail": 0}
    assert wait_for_counters(web_server, letter_campaign.slug, expected_counters) == expected_counters


def test_a_letter_to_an_address_on_a_domain_in_another_script(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server
):
    letter_campaign.targets.update(email="press@президент.рф")

    web_server.sign(letter_campaign.slug, bob_form)
    [letter] = smtp_server.wait_for_messages(1, then_quiet_for=1.0)

    assert letter.rcpt_tos == ["press@xn--d1abbgf6aiiy.xn--p1ai"]
    assert str(letter.message["To"]) == "Presidential Administration <press@xn--d1abbgf6aiiy.xn--p1ai>"
    assert letter.mail_from.startswith("bounce+")


def test_a_letter_the_signer_edited_arrives_as_written(
    letter_campaign, bob_form, smtp_server, celery_worker, web_server
):
    letter_campaign.signer_voice = "edit"
    letter_campaign.save()
    own_body = "Dear {target_name},\n\nI am a nurse <b>in Leeds</b>. Let the four go home.\n\n{signer_signoff}"
    form = bob_form | {"own_subject": "A nurse asks you to free the four", "own_body": own_body}

    web_server.sign(letter_campaign.slug, form)
    [letter] = smtp_server.wait_for_messages(1, then_quiet_for=2.0)
    delivery = wait_until(
        lambda: Delivery.objects.filter(campaign=letter_campaign, status=DeliveryStatus.SENT).first(),
        timeout=10,
        what="the delivery to be recorded as sent",
    )

    message = letter.message
    assert str(message["Subject"]) == "A nurse asks you to free the four"
    text = message.get_body(("plain",)).get_content()
    assert text == (
        "Dear Presidential Administration,\n\nI am a nurse <b>in Leeds</b>. Let the four go home.\n\n"
        "Bob Builder\nUnite the Union, Leeds, United Kingdom\n"
    )
    assert "I am a nurse &lt;b&gt;in Leeds&lt;/b&gt;." in message.get_body(("html",)).get_content()
    assert (delivery.subject, delivery.body) == (str(message["Subject"]), text)
    assert Signature.objects.get(campaign=letter_campaign).own_body == own_body
