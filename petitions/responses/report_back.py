"""A report-back: a published response emailed to the signers who agreed to hear from the campaign.

Only the organiser's public text goes out (never the reply itself, which may quote a signer's
letter), each email in its signer's language, from the platform. It is sent once per response
(one ReportBack row) and the row is the truth: the worker holding its lease moves
`next_signature_id` past each signer it has emailed, so a restart resumes where it stopped, and the
sweeper hands a report-back whose worker died to another. Logs name report-backs by id only.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.selectors import letter_template, with_letter_names
from petitions.core.doorbell import publish_ids
from petitions.core.text import one_line
from petitions.enums import SignatureStatus
from petitions.mail.caps import take_mail_slot
from petitions.mail.errors import MailNotSent
from petitions.mail.outgoing import OutgoingEmail, sender
from petitions.mail.signer_mail import send_to_signer
from petitions.models import ReportBack, Response, Signature

logger = logging.getLogger(__name__)

REPORT_BACK_TASK = "petitions.send_report_back"
BATCH = 50
LEASE = timedelta(minutes=5)


class NotPublished(Exception):
    """Only a response published on the campaign page may be reported back."""


def recipients(campaign_id: int):
    """Signers of the campaign (online, or on paper with an address) who agreed to be contacted."""
    return (
        Signature.objects.filter(
            campaign_id=campaign_id,
            consent_to_contact=True,
            status__in=(SignatureStatus.CONFIRMED, SignatureStatus.PAPER),
            anonymised_at__isnull=True,
            erasure_requested_at__isnull=True,
        ).exclude(email_hash__startswith="paper-")  # a paper signer who gave no address
    )


def request_report_back(response: Response, *, user=None) -> tuple[ReportBack, bool]:
    """The response's report-back, created and queued if it did not exist (True) or as it stands."""
    if not response.is_published:
        raise NotPublished(response.pk)
    report, created = ReportBack.objects.get_or_create(response=response, defaults={"requested_by": user})
    if created:
        enqueue_report_back(report.pk)
    return report, created


def enqueue_report_back(report_id: int) -> None:
    """Ring the worker; a broker outage leaves the row unfinished, and the sweeper rings again."""
    try:
        publish_ids(REPORT_BACK_TASK, [report_id])
    except Exception as exc:  # noqa: BLE001 - the row says what is owed
        logger.warning("Report-back %s not queued yet: broker unreachable (%s)", report_id, exc)


def claim(report_id: int, now) -> bool:
    """Take the report-back's lease: one worker at a time walks its signers."""
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    return bool(
        ReportBack.objects.filter(free, pk=report_id, finished_at__isnull=True).update(lease_expires_at=now + LEASE)
    )


def build_report_back(*, signature: Signature, response: Response) -> OutgoingEmail:
    """In the signer's language: the campaign by its page title there, the page's address with that
    language's prefix, the target by its name there."""
    campaign = signature.campaign
    language = signature.language or campaign.default_language
    template = letter_template(campaign, language)
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        context = {
            "signer_first_name": signature.first_name,
            "target_name": with_letter_names(response.target).name_in(language),
            "text": response.public_text.strip(),
            "campaign_name": template.page_title if template else campaign.name,
            "campaign_url": site + reverse("petitions-i18n:campaign", kwargs={"slug": campaign.slug}),
            "data_url": site + reverse("petitions-i18n:my_data_request"),
            "organisation": campaign.organisation.name,
            "site_name": settings.SITE_NAME,
        }
        return OutgoingEmail(
            subject=one_line(render_to_string("emails/report_back_subject.txt", context)),
            body=render_to_string("emails/report_back_body.txt", context),
            from_email=sender(campaign.organisation.name),
            to=[signature.email],
            headers={"Auto-Submitted": "auto-generated", "Precedence": "bulk"},
        )


def send_report_back(report_id: int, *, now=None) -> int:
    """Email the signers not reached yet; how many were emailed now. Raises MailNotSent when the mail
    server stumbles (the task retries; the signers reached so far stay reached)."""
    now = now or timezone.now()
    if not claim(report_id, now):
        return 0
    report = ReportBack.objects.select_related("response__target", "response__campaign").get(pk=report_id)
    response, sent_now = report.response, 0
    try:
        while True:
            batch = list(
                recipients(response.campaign_id)
                .filter(pk__gte=report.next_signature_id)
                .select_related("campaign__organisation")
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            for signature in batch:
                sent = take_mail_slot(email_hash=signature.email_hash) and send_to_signer(
                    build_report_back(signature=signature, response=response), about=f"signature {signature.pk}"
                )
                sent_now += bool(sent)
                report.next_signature_id = signature.pk + 1
                ReportBack.objects.filter(pk=report_id).update(
                    next_signature_id=report.next_signature_id,
                    sent=F("sent") + int(bool(sent)),
                    skipped=F("skipped") + int(not sent),
                    lease_expires_at=timezone.now() + LEASE,
                )
    except MailNotSent:
        ReportBack.objects.filter(pk=report_id).update(lease_expires_at=None)
        raise
    ReportBack.objects.filter(pk=report_id).update(finished_at=timezone.now(), lease_expires_at=None)
    logger.info("Report-back %s finished: %s emailed in this run", report_id, sent_now)
    return sent_now


def owed_report_backs(*, now=None) -> list[int]:
    """Unfinished report-backs no worker holds: lost on the broker, or their worker died."""
    now = now or timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    settled = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    return list(
        ReportBack.objects.filter(free, finished_at__isnull=True, requested_at__lt=settled).values_list("pk", flat=True)
    )
