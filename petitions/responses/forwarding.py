"""Emailing a target's reply to the signers of the letter who asked for it, from the platform.

The target never learns the signer's address (the letter carries none, and the forward leaves from
Outcry); logs name the response and signatures by id only. The row is the truth: `forwarded_at`
is set in the same transaction that holds the row while sending, so a reply is forwarded once, and
a task that fails before it is set runs again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from petitions.core.doorbell import publish_ids
from petitions.core.text import one_line
from petitions.mail.caps import take_mail_slot
from petitions.mail.outgoing import OutgoingEmail, sender
from petitions.mail.signer_mail import send_to_signer
from petitions.models import Response, Signature

logger = logging.getLogger(__name__)

FORWARD_TASK = "petitions.forward_response"
FORWARD_SWEEP_DAYS = 7


def recipients(response: Response) -> list[Signature]:
    """The signers of the answered letter (or of the digest's entries) who asked for replies."""
    delivery = response.delivery
    if delivery is None:
        return []
    signers = Signature.objects.filter(forward_replies=True, anonymised_at__isnull=True)
    if delivery.signature_id:
        signers = signers.filter(pk=delivery.signature_id)
    else:
        signers = signers.filter(deliveries__digest_id=delivery.pk)
    return list(signers.select_related("campaign__organisation").distinct())


def build_forward(*, signature: Signature, response: Response) -> OutgoingEmail:
    language = signature.language or signature.campaign.default_language
    context = {
        "signer_first_name": signature.first_name,
        "target_name": response.target.name,
        "subject": response.subject,
        "text": response.text,
        "organisation": signature.campaign.organisation.name,
        "site_name": settings.SITE_NAME,
    }
    with translation.override(language):
        return OutgoingEmail(
            subject=one_line(render_to_string("emails/reply_forward_subject.txt", context)),
            body=render_to_string("emails/reply_forward_body.txt", context),
            from_email=sender(settings.SITE_NAME),
            to=[signature.email],
            headers={"Auto-Submitted": "auto-generated"},
        )


def forward_response(response_id: int) -> int:
    """Forward one reply; how many signers it was emailed to. Raises MailNotSent on a failure worth
    another try (the task retries; forwarded_at is still empty)."""
    with transaction.atomic():
        response = (
            Response.objects.select_for_update(of=("self",))
            .select_related("target", "delivery")
            .filter(pk=response_id, forwarded_at__isnull=True, automatic=False)
            .first()
        )
        if response is None:
            return 0
        sent = 0
        for signature in recipients(response):
            if take_mail_slot(email_hash=signature.email_hash):
                sent += send_to_signer(
                    build_forward(signature=signature, response=response), about=f"signature {signature.pk}"
                )
        response.forwarded_at = timezone.now()
        response.save(update_fields=["forwarded_at"])
    logger.info("Response %s forwarded to %s signer(s)", response_id, sent)
    return sent


def enqueue_forward(response_id: int) -> None:
    """Ring the worker; a broker outage leaves forwarded_at empty (the row says what is owed)."""
    try:
        publish_ids(FORWARD_TASK, [response_id])
    except Exception as exc:  # noqa: BLE001 - the response is stored; only its forward waits
        logger.warning("Response %s not forwarded yet: broker unreachable (%s)", response_id, exc)


def owed_forwards(*, now=None) -> list[int]:
    """Replies received a while ago and never forwarded (their message was lost on the broker), from
    the last FORWARD_SWEEP_DAYS: an older reply is news no longer."""
    now = now or timezone.now()
    return list(
        Response.objects.filter(
            forwarded_at__isnull=True,
            automatic=False,
            delivery__isnull=False,
            received_at__lt=now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS),
            received_at__gte=now - timedelta(days=FORWARD_SWEEP_DAYS),
        ).values_list("pk", flat=True)[:1000]
    )
