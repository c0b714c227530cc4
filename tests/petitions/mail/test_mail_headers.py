"""What a mail client makes of Outcry's emails: the message as sent, parsed back from its bytes."""

import email
import email.policy
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns.models import TargetName
from petitions.mail import letters, signer_mail
from petitions.mail.organiser_mail import build_bounce_alert, build_notice
from petitions.models import Delivery, Response
from petitions.responses.forwarding import build_forward
from petitions.responses.intake import receive_reply
from tests.factories import MessageTemplateFactory, SignatureFactory

pytestmark = pytest.mark.django_db

RU_TITLE = "Освободите четверых профсоюзных активистов из тюрьмы в Азербайджане"
RU_SUBJECT = "Освободите заключённых членов профсоюза «Рабочий стол» немедленно и без условий"
AR_SUBJECT = "أطلقوا سراح النقابيين الأربعة"


def as_received(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


class _HtmlTag(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.attributes = dict(attrs)


def html_attributes(message) -> dict[str, str]:
    """The attributes of <html> in the message's HTML part, as a mail client reads them."""
    parser = _HtmlTag()
    parser.feed(as_received(message).get_body(preferencelist=("html",)).get_content())
    return parser.attributes


@pytest.fixture
def russian(campaign):
    """The campaign also in Russian and Arabic, with a Russian signer and a target that reads Russian."""
    MessageTemplateFactory(campaign=campaign, language="ru", page_title=RU_TITLE, letter_subject=RU_SUBJECT)
    MessageTemplateFactory(campaign=campaign, language="ar", page_title="الحرية", letter_subject=AR_SUBJECT)
    target = campaign.targets.get()
    target.language = "ru"
    target.save()
    TargetName.objects.create(target=target, language="ru", name="Администрация Президента")
    return SignatureFactory(campaign=campaign, language="ru", first_name="Иван", last_name="Петров")


def sent_letter(signature) -> Delivery:
    delivery = Delivery(campaign=signature.campaign, target=signature.campaign.targets.get(), signature=signature)
    delivery.subject, delivery.body = letters.render_letter(delivery)
    delivery.sent_at = timezone.now()
    delivery.save()
    return delivery


REPLY = (
    "From: Администрация <press@gov.example.ru>\r\nSubject: Re: ваше обращение\r\n"
    "Message-ID: <answer.1@gov.example.ru>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Ваше обращение получено и передано в профильный отдел для рассмотрения.\r\n"
).encode()


def every_email(signature) -> dict:
    """Each kind of email Outcry sends, built for the Russian signer's campaign."""
    campaign, target = signature.campaign, signature.campaign.targets.get()
    campaign.organisation.notify_email = "alerts@union.example.org"
    campaign.organisation.save()
    letter = sent_letter(signature)
    digest = Delivery(campaign=campaign, target=target, signature=None)
    digest.subject, digest.body = letters.render_digest(
        campaign=campaign, target=target, signatures=[signature, signature], period_label="1 March", part=(1, 1)
    )
    receive_reply(letter.pk, REPLY)
    return {
        "receipt": signer_mail.build_receipt(signature=signature, url="https://outcry.example.org/r/1/"),
        "confirmation": signer_mail.build_confirmation(signature=signature, url="https://outcry.example.org/c/1/"),
        "data link": signer_mail.build_data_link(signature=signature, url="https://outcry.example.org/d/1/"),
        "signer copy": letters.build_signer_copy(letter),
        "letter": letters.build_letter(letter),
        "test letter": letters.build_test_letter(campaign=campaign, target=target, to_email="alice@union.example.org"),
        "milestone": build_notice(campaign, "milestone", {"percent": 50, "signatures": 50}),
        "daily summary": build_notice(
            campaign, "daily_summary", {"signatures": 1, "total": 1, "sent": 1, "waiting": 0, "failed": 0}
        ),
        "bounce alert": build_bounce_alert(target, provider="Postmark"),
        "digest": letters.build_letter(digest),
        "relayed reply": build_forward(signature=signature, response=Response.objects.get(delivery=letter)),
    }


def test_every_email_has_a_message_id_on_the_sending_domain(russian, settings):
    settings.DEFAULT_FROM_EMAIL = "Outcry <letters@petitions.example.net>"

    ids = {kind: as_received(message)["Message-ID"] for kind, message in every_email(russian).items()}

    assert {kind for kind, value in ids.items() if not value.endswith("@petitions.example.net>")} == set()
    assert len(set(ids.values())) == len(ids)


def test_russian_subjects_decode_exactly_without_a_leading_space(russian):
    messages = every_email(russian)

    with translation.override("ru"):
        receipt_subject = gettext("Follow your letters: %(title)s") % {"title": RU_TITLE}
    assert receipt_subject.startswith("Следите")  # the Russian catalogue is compiled: a Russian subject
    assert as_received(messages["receipt"])["Subject"] == receipt_subject
    assert as_received(messages["letter"])["Subject"] == RU_SUBJECT
    assert as_received(messages["test letter"])["Subject"] == f"[Test] {RU_SUBJECT}"
    with translation.override("ru"):
        copy_subject = gettext("Your letter: %(subject)s") % {"subject": RU_SUBJECT}
    assert as_received(messages["signer copy"])["Subject"] == copy_subject


def test_html_letters_say_their_language_and_direction(russian):
    russian_letter = letters.build_letter(sent_letter(russian))
    target = russian.campaign.targets.get()
    target.language = "ar"
    target.save()
    arabic_letter = letters.build_letter(sent_letter(SignatureFactory(campaign=russian.campaign)))

    assert html_attributes(russian_letter) == {"lang": "ru", "dir": "ltr"}
    assert html_attributes(arabic_letter) == {"lang": "ar", "dir": "rtl"}
    assert as_received(arabic_letter)["Subject"] == AR_SUBJECT


def test_html_emails_to_signers_say_the_signers_language_and_direction(russian):
    arabic = SignatureFactory(campaign=russian.campaign, language="ar")
    copy = letters.build_signer_copy(sent_letter(arabic))

    assert html_attributes(signer_mail.build_receipt(signature=russian, url="https://x.example/")) == {
        "lang": "ru",
        "dir": "ltr",
    }
    assert html_attributes(signer_mail.build_confirmation(signature=arabic, url="https://x.example/")) == {
        "lang": "ar",
        "dir": "rtl",
    }
    assert html_attributes(signer_mail.build_data_link(signature=arabic, url="https://x.example/"))["dir"] == "rtl"
    assert html_attributes(copy) == {"lang": "ar", "dir": "rtl"}
    # The Arabic signer's copy quotes the letter in the target's language, Russian.
    quoted = as_received(copy).get_body(preferencelist=("html",)).get_content()
    assert '<blockquote lang="ru" dir="ltr"' in quoted


def test_every_email_is_well_formed_mime_without_the_signers_address(russian):
    problems = {}
    for kind, message in every_email(russian).items():
        raw = message.message().as_bytes()
        received = email.message_from_bytes(raw, policy=email.policy.default)
        text_parts = [part for part in received.walk() if part.get_content_maintype() == "text"]
        found = []
        if not received["Date"]:
            found.append("no Date")
        if any(part.get_content_charset() != "utf-8" for part in text_parts):
            found.append("a text part not in utf-8")
        if any(part.get_content_type() == "text/html" for part in text_parts):
            if received.get_content_type() != "multipart/alternative":
                found.append(f"HTML in {received.get_content_type()}")
            if {part.get_content_type() for part in text_parts} != {"text/plain", "text/html"}:
                found.append("HTML without a plain-text part")
        if kind in ("letter", "test letter") and russian.email.lower().encode() in raw.lower():
            found.append("the signer's address")
        if found:
            problems[kind] = found
    assert problems == {}
