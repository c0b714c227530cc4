"""Emails to a signer with one private link (receipt, confirmation, data link), in the language they
signed in, and the doorbell for them: a worker sends each within the address's daily cap.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.selectors import letter_template
from petitions.core.doorbell import publish_ids
from petitions.core.text import one_line
from petitions.mail import errors
from petitions.mail.caps import take_mail_slot
from petitions.mail.outgoing import OutgoingEmail, sender
from petitions.models import Signature

logger = logging.getLogger(__name__)


def build_receipt(*, signature: Signature, url: str) -> OutgoingEmail:
    """The signer's private link to follow their letters."""
    return _signer_link_email("receipt", signature=signature, url=url)


def build_confirmation(*, signature: Signature, url: str) -> OutgoingEmail:
    """The link a signer follows to confirm their signature (double opt-in)."""
    return _signer_link_email(
        "confirmation", signature=signature, url=url, expiry_days=settings.CONFIRMATION_EXPIRY_DAYS
    )


def build_data_link(*, signature: Signature, url: str) -> OutgoingEmail:
    """The link to see, download or erase every signature of the address."""
    return _signer_link_email("data_link", signature=signature, url=url, hours=settings.DATA_LINK_MAX_AGE_HOURS)


def _signer_link_email(name: str, *, signature: Signature, url: str, **extra) -> OutgoingEmail:
    """An email from the platform to a signer with one private link, in the language they signed in
    (templates emails/<name>_subject.txt, _body.txt and _body.html)."""
    campaign = signature.campaign
    language = signature.language or campaign.default_language
    template = letter_template(campaign, language)
    context = {
        "signer_first_name": signature.first_name,
        "title": template.page_title if template else campaign.name,
        "url": url,
        "organisation": campaign.organisation.name,
        "site_name": settings.SITE_NAME,
        **extra,
    }
    with translation.override(language):
        message = OutgoingEmail(
            subject=one_line(render_to_string(f"emails/{name}_subject.txt", context)),
            body=render_to_string(f"emails/{name}_body.txt", context),
            from_email=sender(settings.SITE_NAME),
            to=[signature.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string(f"emails/{name}_body.html", context | {"language": language}), "text/html"
        )
    return message


def send_link_email(
    *,
    signature_id: int,
    build: Callable[..., OutgoingEmail],
    url_for: Callable[[Signature], str],
    only_if: Callable[[Signature], bool] | None = None,
) -> bool:
    """The one way a link email reaches a signer: load the signature, take a slot of its address's
    daily cap, build and send. False if the signature is gone, does not qualify, the cap is full or
    the address is refused for good."""
    signature = Signature.objects.select_related("campaign__organisation").filter(pk=signature_id).first()
    if signature is None or (only_if is not None and not only_if(signature)):
        return False
    return mail_link(signature, build=build, url_for=url_for)


def mail_link(
    signature: Signature, *, build: Callable[..., OutgoingEmail], url_for: Callable[[Signature], str]
) -> bool:
    """Take a slot of the address's daily cap, build and send; False if the cap is full or the
    address is refused for good."""
    if not take_mail_slot(email_hash=signature.email_hash):
        return False
    return send_to_signer(build(signature=signature, url=url_for(signature)), about=f"signature {signature.pk}")


def send_to_signer(message: OutgoingEmail, *, about: str) -> bool:
    """Send an email to a signer; no failure puts their address in a log. False if it was refused
    for good (logged here, not retried); MailNotSent (an SMTPException) for a failure worth another
    try, which the task retries. `about` names what the email is for ("signature 12"), by id."""
    try:
        message.send()
    except errors.MAIL_FAILURES as exc:
        error = errors.describe(exc)
        if errors.classify(exc) is errors.Verdict.FAIL:
            logger.warning("Email to the signer of %s refused for good: %s", about, error)
            return False
        raise errors.MailNotSent(f"Email to the signer of {about} not sent: {error}") from None
    return True


def enqueue_receipt(signature_id: int) -> None:
    enqueue_signer_mail("receipt", signature_id)


# The worker's task for each kind of link email (petitions/tasks.py), rung by name. A signature's
# first confirmation email goes once (signing, release, the sweeper); "confirmation" is the link
# again, for a signer who signs again while pending.
LINK_EMAIL_TASKS = {
    "receipt": "petitions.send_receipt",
    "first_confirmation": "petitions.send_first_confirmation",
    "confirmation": "petitions.send_confirmation",
    "data_link": "petitions.send_data_link",
}


def enqueue_signer_mail(kind: str, signature_id: int) -> None:
    """Ask a worker to email a signer their link; a broker outage costs the email only (a first
    confirmation email is asked for again by the sweeper), and the signer can sign or ask again."""
    enqueue_signer_mails(kind, [signature_id])


def enqueue_signer_mails(kind: str, signature_ids: list[int]) -> None:
    """The same for many signatures, on one connection."""
    try:
        publish_ids(LINK_EMAIL_TASKS[kind], signature_ids)
    except Exception as exc:  # noqa: BLE001 - the signatures and their letters are safe; only the emails wait
        about = f"signature {signature_ids[0]}" if len(signature_ids) == 1 else f"{len(signature_ids)} signatures"
        logger.warning("No %s email for %s: broker unreachable (%s)", kind, about, exc)
