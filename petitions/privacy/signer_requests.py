"""A signer's own data: ask by email for a private link to see, download or erase one's signatures.

The request form answers every address the same way, at the same speed (a message goes on the
broker either way), so it never tells anyone whether an address has signed. Only the owner of the
address gets the link, within the address's daily cap (mailcaps.py). The link carries a sealed
token of the address's keyed hash (petitions/core/sealing.py: nobody holding the link can read the
hash and match it to a copy of the database), valid for DATA_LINK_MAX_AGE_HOURS, and covers the
signatures of every campaign.

Erasure is the retention clean-up for these signatures now: names, address, city, organisation,
message and IP hash cleared, their traces removed from stored letters (digests included), letters
still waiting cancelled. The count stays (someone did sign) and so do delivery records. A signature
whose letter is being sent at that moment is erased by the next hourly run.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from petitions.core.hashing import email_hash
from petitions.core.sealing import seal, unseal
from petitions.enums import DeliveryStatus
from petitions.mail import signer_mail
from petitions.models import Signature, SignerErasure
from petitions.privacy.retention import anonymise_signatures

logger = logging.getLogger(__name__)

SALT = "outcry.petitions.my-data"
NOBODY = 0  # published when the address has not signed: the request looks the same either way


def signatures_of(key: str):
    """Every campaign's signatures of one address. Filtering on all campaign ids lets PostgreSQL use
    the (campaign, email_hash) unique index instead of scanning every signature."""
    campaign_ids = list(Campaign.objects.values_list("pk", flat=True))
    return Signature.objects.filter(campaign_id__in=campaign_ids, email_hash=key, anonymised_at__isnull=True)


def request_data_link(*, email: str) -> None:
    """Ask for the link to be mailed to `email` if it has signed anything; silent either way."""
    signature_id = signatures_of(email_hash(email)).values_list("pk", flat=True).first() or NOBODY
    signer_mail.enqueue_signer_mail("data_link", signature_id)


def send_data_link(*, signature_id: int) -> bool:
    return signer_mail.send_link_email(
        signature_id=signature_id,
        build=signer_mail.build_data_link,
        url_for=lambda signature: data_link(signature.email_hash),
    )


def data_link(key: str) -> str:
    token = seal(key.encode(), purpose=SALT)
    return settings.SITE_URL.rstrip("/") + reverse("petitions:my_data", kwargs={"token": token})


def key_for_token(token: str) -> str | None:
    """The address's keyed hash the link was sealed with; None if forged or expired (links signed
    before sealing were valid for a day: they are simply asked for again)."""
    key = unseal(token, purpose=SALT, max_age_seconds=settings.DATA_LINK_MAX_AGE_HOURS * 3600)
    return None if key is None else key.decode()


def export_data(key: str) -> dict:
    """Everything stored about one address's signatures, as the signer may download it."""
    signatures = signatures_of(key).select_related("campaign").prefetch_related("deliveries__target")
    return {
        "exported_at": timezone.now().isoformat(),
        "signatures": [
            {
                "campaign": signature.campaign.name,
                "campaign_address": reverse("petitions:campaign", args=[signature.campaign.slug]),
                "signed_at": signature.created_at.isoformat(),
                "status": signature.status,
                **{field: str(getattr(signature, field)) for field in EXPORTED_FIELDS},
                "letters": [
                    {
                        "to": letter.target.name,
                        "status": letter.status,
                        "sent_at": letter.sent_at.isoformat() if letter.sent_at else None,
                        "subject": letter.subject,
                        "text": letter.body,
                    }
                    for letter in signature.deliveries.all()
                ],
            }
            for signature in signatures
        ],
    }


EXPORTED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "country",
    "city",
    "postcode",
    "organisation",
    "message",
    "own_subject",
    "own_body",
    "own_paragraph",
    "language",
    "consent_to_contact",
    "consent_text",
    "show_name_publicly",
    "show_full_name_in_handover",
    "wants_copy",
    "wants_receipt",
    "source",
)


def erase_signatures(*, key: str, now: datetime | None = None) -> int:
    """Mark one address's signatures for erasure and erase every one not being sent right now."""
    now = now or timezone.now()
    signatures_of(key).filter(erasure_requested_at__isnull=True).update(erasure_requested_at=now)
    return finish_erasures(now=now)


def erase_for_organiser(*, signatures, user, actor: str, now: datetime | None = None) -> list[SignerErasure]:
    """An organiser erases signers who asked them directly: the same erasure as the signer's own
    link, recorded per campaign in the erasure log with who ran it."""
    now = now or timezone.now()
    by_campaign: dict[int, list[int]] = {}
    for signature_id, campaign_id in signatures.filter(anonymised_at__isnull=True).values_list("pk", "campaign_id"):
        by_campaign.setdefault(campaign_id, []).append(signature_id)
    records = []
    for campaign_id, ids in by_campaign.items():
        Signature.objects.filter(pk__in=ids, erasure_requested_at__isnull=True).update(erasure_requested_at=now)
        finish_erasures(now=now)
        waiting = Signature.objects.filter(pk__in=ids, anonymised_at__isnull=True).count()
        records.append(
            SignerErasure.objects.create(
                campaign_id=campaign_id, user=user, actor=actor, erased_at=now, signatures=len(ids), waiting=waiting
            )
        )
    return records


def finish_erasures(*, now: datetime | None = None) -> int:
    """Erase the signatures whose erasure was asked for and is not done yet (hourly by beat, too)."""
    now = now or timezone.now()
    with transaction.atomic():
        signatures = list(
            Signature.objects.select_for_update(skip_locked=True)
            .filter(erasure_requested_at__isnull=False, anonymised_at__isnull=True)
            .exclude(deliveries__status=DeliveryStatus.SENDING)
            .exclude(deliveries__digest__status=DeliveryStatus.SENDING)
        )
        anonymise_signatures(signatures, now=now)
    if signatures:
        logger.info("Erased %d signature(s) at their signers' request", len(signatures))
    return len(signatures)
