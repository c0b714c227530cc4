"""Builds the messages Outcry sends; never sends them (services.py does).

A letter is rendered once from the organiser's template and the signer's data, stored on the
Delivery, and rebuilt from those stored strings on every attempt, so a retry sends the same text.
"""

import hmac
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from campaigns.enums import DeliveryMode
from campaigns.models import MessageTemplate
from campaigns.placeholders import PLACEHOLDERS, fill_placeholders, fill_signer_text
from campaigns.selectors import letter_template, with_letter_names
from petitions.core.periods import period_of
from petitions.core.text import header_display_name, one_line
from petitions.mail.addresses import bounce_address, reply_address, uses_bounce_addresses
from petitions.mail.outgoing import OutgoingEmail, message_id, recipient, sender, sending_domain
from petitions.mail.variants import choose_variant
from petitions.models import Delivery, Signature

_BLANK_RUNS = re.compile(r"\n{3,}")


class LetterNotConfigured(Exception):
    """The organiser has not given the campaign a letter yet; retried until they do."""


def signer_values(signature: Signature, language: str) -> dict[str, str]:
    """Placeholder values for one signer, with the country named in the letter's language."""
    with translation.override(language):
        country = str(signature.country.name)
    place = ", ".join(part for part in (signature.organisation, signature.city, country) if part)
    return {
        "signer_name": signature.full_name,
        "signer_first_name": signature.first_name,
        "signer_last_name": signature.last_name,
        "signer_country": country,
        "signer_city": signature.city,
        "signer_organisation": signature.organisation,
        "signer_message": signature.message.strip(),
        "signer_signoff": f"{signature.full_name}\n{place}",
    }


def render_letter(delivery: Delivery) -> tuple[str, str]:
    """(subject, body) in the target's language where a template exists, else the default's; the
    target is named as the organiser gave its name in that language. A letter the signer wrote
    themselves is theirs, as written. Records on `delivery` which variant it got (variants.py)."""
    campaign, target, signature = delivery.campaign, with_letter_names(delivery.target), delivery.signature
    if signature.own_body:
        delivery.subject_variant = delivery.body_variant = None
        return render_own_letter(signature, target=target)
    template = target_template(campaign, target)
    if template is None:
        raise LetterNotConfigured("The campaign has no message template to write the letter with.")
    variant = (0, 0)
    if delivery.pk is not None:  # a sample letter (a preview) has no history: it shows the main text
        variant = choose_variant(template, campaign_id=campaign.pk, target_id=delivery.target_id)
    delivery.subject_variant, delivery.body_variant = variant
    letter = render_letter_from(
        template, target=target, signer=signer_values(signature, template.language), variant=variant
    )
    return _with_opening(letter, signature.own_paragraph) if signature.own_paragraph else letter


def target_template(campaign, target) -> MessageTemplate | None:
    """The template `target`'s letters are written with: its language's, else the campaign's main one."""
    return letter_template(campaign, target.language or campaign.default_language)


def render_letter_with(template: MessageTemplate, *, target, signature: Signature) -> tuple[str, str]:
    """(subject, body) of one signer's letter written with `template` (saved or not: the builder's
    live preview renders what the organiser is typing)."""
    letter = render_letter_from(template, target=target, signer=signer_values(signature, template.language))
    return _with_opening(letter, signature.own_paragraph) if signature.own_paragraph else letter


def render_letter_from(
    template: MessageTemplate, *, target, signer: dict[str, str], variant: tuple[int, int] = (0, 0)
) -> tuple[str, str]:
    """(subject, body) written with `template`'s subject line and text number `variant` for the
    signer's placeholder values `signer` (those of signer_values, or hints such as "[your name]"
    where the signer is not known)."""
    subjects, bodies = template.subject_variants(), template.body_variants()
    values = signer | _target_values(template, target)
    subject_text = subjects[variant[0]] if variant[0] < len(subjects) else subjects[0]
    body_text = bodies[variant[1]] if variant[1] < len(bodies) else bodies[0]
    subject = one_line(fill_placeholders(subject_text, values))[:250]
    body = _BLANK_RUNS.sub("\n\n", fill_placeholders(body_text, values)).strip() + "\n"
    return subject, body


def _target_values(template: MessageTemplate, target) -> dict[str, str]:
    return {
        "target_name": target.name_in(template.language),
        "target_title": target.title_in(template.language),
        "campaign_title": template.page_title,
    }


def render_own_letter(signature: Signature, *, target, campaign=None) -> tuple[str, str]:
    """(subject, body) of a letter the signer edited: their text, with only its {placeholders}
    filled (the target named in the language they wrote in). Nothing else of it is interpreted."""
    campaign = campaign or signature.campaign
    # The page the signer edited on showed its language's version, else the main language's.
    template = letter_template(campaign, signature.language or campaign.default_language)
    language = own_letter_language(signature, campaign)
    values = signer_values(signature, language) | {
        "target_name": target.name_in(language),
        "target_title": target.title_in(language),
        "campaign_title": template.page_title if template else "",
    }
    subject = one_line(fill_signer_text(signature.own_subject, values))[:250]
    body = _BLANK_RUNS.sub("\n\n", fill_signer_text(signature.own_body, values)).strip() + "\n"
    return subject, body


def own_letter_language(signature: Signature, campaign) -> str:
    """The language of a letter the signer edited: that of the version their page showed them."""
    template = letter_template(campaign, signature.language or campaign.default_language)
    return template.language if template else signature.language or campaign.default_language


# A first paragraph this short, ending so, is a greeting ("Dear Minister,"): the signer's paragraph
# follows it rather than coming before it.
_GREETING_MAX = 80


def _with_opening(letter: tuple[str, str], paragraph: str) -> tuple[str, str]:
    """The letter with the signer's own paragraph leading it, after the greeting if it has one."""
    subject, body = letter
    paragraph = _BLANK_RUNS.sub("\n\n", paragraph.replace("\r\n", "\n")).strip()
    first, _, rest = body.partition("\n\n")
    if rest and "\n" not in first and len(first) <= _GREETING_MAX and first.rstrip()[-1:] in ",:،":
        return subject, f"{first}\n\n{paragraph}\n\n{rest}"
    return subject, f"{paragraph}\n\n{body}"


def render_digest(
    *,
    campaign,
    target,
    signatures: list[Signature],
    period_label: str,
    part: tuple[int, int],
    template=None,
    variant: tuple[int, int] = (0, 0),
) -> tuple[str, str]:
    """(subject, body) of a digest: the campaign's letter (its subject line and text number
    `variant`; or `template`, unsaved, for the builder's preview), signed by the list of the
    period's signers, then their personal messages and paragraphs, then the letters signers wrote
    themselves. Single-signer placeholders read "the undersigned" or nothing."""
    if template is None:
        target = with_letter_names(target)
        template = letter_template(campaign, target.language or campaign.default_language)
    if template is None:
        raise LetterNotConfigured("The campaign has no message template to write the digest with.")
    with translation.override(template.language):
        signers = [(signature, signer_values(signature, template.language)) for signature in signatures]
        count = len(signers)
        roll = ngettext(
            "Signed by %(count)d person (%(period)s):", "Signed by %(count)d people (%(period)s):", count
        ) % {"count": count, "period": period_label}
        roll += "\n\n" + "\n".join(one_line(values["signer_signoff"].replace("\n", " - ")) for _, values in signers)
        values = dict.fromkeys((name for name in PLACEHOLDERS if name.startswith("signer_")), "") | {
            "signer_name": gettext("the undersigned"),
            "signer_signoff": roll,
            "target_name": target.name_in(template.language),
            "target_title": target.title_in(template.language),
            "campaign_title": template.page_title,
        }
        subjects, bodies = template.subject_variants(), template.body_variants()
        letter_body = bodies[variant[1]] if variant[1] < len(bodies) else bodies[0]
        body = fill_placeholders(letter_body, values)
        if "{signer_signoff}" not in letter_body:
            body += "\n\n" + roll
        messages = [
            f"{one_line(values['signer_name'])} ({values['signer_country']}):\n{personal}"
            for signature, values in signers
            if (personal := "\n\n".join(filter(None, (signature.own_paragraph.strip(), signature.message.strip()))))
        ]
        if messages:
            body += "\n\n" + gettext("Personal messages from the signers:") + "\n\n" + "\n\n".join(messages)
        own_letters = [
            f"{one_line(values['signer_name'])} ({values['signer_country']}):\n{own_subject}\n\n{own_body.strip()}"
            for signature, values in signers
            if signature.own_body
            for own_subject, own_body in [render_own_letter(signature, target=target, campaign=campaign)]
        ]
        if own_letters:
            body += (
                "\n\n" + gettext("Letters the signers wrote in their own words:") + "\n\n" + "\n\n".join(own_letters)
            )
        subject = fill_placeholders(subjects[variant[0]] if variant[0] < len(subjects) else subjects[0], values)
        suffix = ngettext("%(count)d signer", "%(count)d signers", count) % {"count": count}
        if part[1] > 1:
            suffix += ", " + gettext("part %(number)d of %(total)d") % {"number": part[0], "total": part[1]}
    subject = one_line(f"{one_line(subject)} ({suffix}, {period_label})")[:250]
    return subject, _BLANK_RUNS.sub("\n\n", body).strip() + "\n"


def letter_message_id(delivery_id: int) -> str:
    """The same Message-ID on every attempt, so receiving servers can fold a duplicate away."""
    tag = hmac.new(settings.SECRET_KEY.encode(), f"letter:{delivery_id}".encode(), "sha256").hexdigest()[:12]
    return f"<letter.{delivery_id}.{tag}@{sending_domain()}>"


def letter_language(campaign, target) -> str:
    """The language `target`'s letters are written in: that of the template render_letter picks."""
    wanted = target.language or campaign.default_language
    template = letter_template(campaign, wanted)
    return template.language if template else wanted


def build_letter(delivery: Delivery) -> OutgoingEmail:
    """The letter as stored on the delivery: from "<signer> via <site>" (a digest: "<organisation> via
    <site>"), to the target, and a blind copy to the organisation if the campaign asks for one. No
    signer's address is in it: bounces and replies go to the letter's own addresses
    (petitions/mail/addresses.py)."""
    # A digest speaks for many signers: it comes from the organisation that runs the campaign.
    author = delivery.campaign.organisation.name if delivery.is_digest else delivery.signature.full_name
    # The names as a header may carry them; the letter's body keeps the signer's as signed.
    display_name = " via ".join(filter(None, (header_display_name(author), header_display_name(settings.SITE_NAME))))
    if delivery.rehearsal_to:  # a rehearsal's letter: to the organiser, never the target
        subject, to, bcc = f"[Test] {one_line(delivery.subject)}", [delivery.rehearsal_to], []
    else:
        subject, to = one_line(delivery.subject), [recipient(delivery.target.name, delivery.target.email)]
        bcc = [delivery.campaign.bcc_email] if delivery.campaign.bcc_email else []
    message = OutgoingEmail(
        subject=subject,
        body=delivery.body,
        from_email=sender(display_name),
        to=to,
        bcc=bcc,
        headers={"Message-ID": letter_message_id(delivery.pk)},
    )
    if delivery.pk is not None:  # a sample letter (a preview, a test letter) has no address of its own
        # An answer reaches the campaign through the letter's own address, never the signer.
        message.reply_to = [reply_address(delivery.pk)]
        if uses_bounce_addresses():
            message.envelope_sender = bounce_address(delivery.pk)
    language = letter_language(delivery.campaign, delivery.target)
    if delivery.signature is not None and delivery.signature.own_body:
        language = own_letter_language(delivery.signature, delivery.campaign)  # the signer's own words
    # The HTML part says its language (and so its direction) for screen readers and mail clients.
    html = render_to_string("emails/letter_body.html", {"body": delivery.body, "language": language})
    message.attach_alternative(html, "text/html")
    return message


SAMPLE_SIGNER = {
    "first_name": "Jane",
    "last_name": "Doe",
    "country": "GB",
    "city": "Leeds",
    "organisation": "Unite the Union",
    "message": "Freedom of association is not a crime.",
}


SECOND_SAMPLE_SIGNER = {
    "first_name": "Ali",
    "last_name": "Yilmaz",
    "country": "TR",
    "city": "Izmir",
    "organisation": "",
    "message": "",
}


# Sample signers who write in the letter's own script: a Latin name under a Cyrillic letter reads,
# to spam filters, like a message disguising its letters (SpamAssassin's MIXED_ES).
LOCAL_SAMPLE_SIGNERS = {
    "ru": (
        {"first_name": "Анна", "last_name": "Смирнова", "city": "Лидс", "organisation": "Профсоюз связистов"},
        {"first_name": "Али", "last_name": "Йылмаз", "city": "Измир"},
    ),
    "az": ({"first_name": "Aynur", "last_name": "Həsənova"}, {}),
    "tr": ({"first_name": "Ayşe", "last_name": "Demir"}, {}),
    "es": ({"first_name": "Lucía", "last_name": "García"}, {}),
    "ar": ({"first_name": "ليلى", "last_name": "حسن"}, {"first_name": "علي", "last_name": "يلماز"}),
}
LOCAL_SAMPLE_MESSAGES = {
    "ru": "Свобода объединений — не преступление.",
    "az": "Birləşmək azadlığı cinayət deyil.",
    "tr": "Örgütlenme özgürlüğü suç değildir.",
    "es": "La libertad de asociación no es un delito.",
    "ar": "حرية تكوين الجمعيات ليست جريمة.",
}


def sample_signers(language: str) -> tuple[dict, dict]:
    """The two sample signers' fields for a letter in `language`."""
    first, second = LOCAL_SAMPLE_SIGNERS.get(language, ({}, {}))
    message = {"message": LOCAL_SAMPLE_MESSAGES[language]} if language in LOCAL_SAMPLE_MESSAGES else {}
    return SAMPLE_SIGNER | first | message, SECOND_SAMPLE_SIGNER | second


def sample_signatures(campaign, language: str | None = None) -> list[Signature]:
    """The sample signers of previews: one for a letter, both for a digest. Never saved."""
    language = language or campaign.default_language
    return [Signature(campaign=campaign, language=language, **sample) for sample in sample_signers(language)]


def render_sample(*, campaign, target, template: MessageTemplate) -> tuple[str, str]:
    """(subject, body) `target` would receive from `template` (saved or not), signed by the sample
    signer; in digest mode, this period's digest naming both sample signers."""
    signers = sample_signatures(campaign, template.language)
    if campaign.delivery_mode != DeliveryMode.DIGEST:
        return render_letter_with(template, target=target, signature=signers[0])
    period = period_of(timezone.now(), period=campaign.digest_period, zone_name=target.timezone)
    return render_digest(
        campaign=campaign,
        target=target,
        signatures=signers,
        period_label=period.label(),
        part=(1, 1),
        template=template,
    )


def build_sample_letter(*, campaign, target) -> OutgoingEmail:
    """The letter exactly as `target` would receive it, signed by the sample signer; in digest mode,
    this period's digest naming two sample signers. Nothing is stored."""
    if campaign.delivery_mode == DeliveryMode.DIGEST:
        return _build_sample_digest(campaign=campaign, target=target)
    language = letter_language(campaign, target)
    signature = Signature(campaign=campaign, language=language, **sample_signers(language)[0])
    delivery = Delivery(campaign=campaign, target=target, signature=signature)
    delivery.subject, delivery.body = render_letter(delivery)
    return build_letter(delivery)


def _build_sample_digest(*, campaign, target) -> OutgoingEmail:
    signers = sample_signatures(campaign, letter_language(campaign, target))
    period = period_of(timezone.now(), period=campaign.digest_period, zone_name=target.timezone)
    digest = Delivery(campaign=campaign, target=target, signature=None)
    digest.subject, digest.body = render_digest(
        campaign=campaign, target=target, signatures=signers, period_label=period.label(), part=(1, 1)
    )
    return build_letter(digest)


def build_test_letter(*, campaign, target, to_email: str) -> OutgoingEmail:
    """The sample letter sent to an organiser's own address with "[Test]" in front of the subject."""
    message = build_sample_letter(campaign=campaign, target=target)
    message.subject = f"[Test] {message.subject}"
    message.to, message.bcc = [to_email], []
    message.extra_headers = {"Message-ID": message_id()}
    return message


def build_signer_copy(delivery: Delivery) -> OutgoingEmail:
    """A copy of a sent letter for the signer who asked for one, from the platform itself."""
    context = {
        "signer_first_name": delivery.signature.first_name,
        "target": delivery.target,
        "subject": delivery.subject,
        "body": delivery.body,
        "sent_at": delivery.sent_at,
        "site_name": settings.SITE_NAME,
    }
    language = delivery.signature.language or delivery.campaign.default_language
    with translation.override(language):
        subject = one_line(render_to_string("emails/signer_copy_subject.txt", context))
        message = OutgoingEmail(
            subject=subject,
            body=render_to_string("emails/signer_copy_body.txt", context),
            from_email=sender(settings.SITE_NAME),
            to=[delivery.signature.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        # The copy speaks the signer's language; the letter it quotes keeps its own.
        context |= {"language": language, "letter_language": letter_language(delivery.campaign, delivery.target)}
        message.attach_alternative(render_to_string("emails/signer_copy_body.html", context), "text/html")
    return message
