"""Double opt-in: in a campaign that requires it, a signature counts and its letters go only once the
signer confirms through a link mailed to the address they typed.

- The email's link opens a page whose button POSTs the confirmation: mail scanners that fetch links
  must not confirm anything.
- The link is a signed token (links.py) that expires after CONFIRMATION_EXPIRY_DAYS;
  confirming twice is harmless (the second finds nothing pending).
- Confirmation emails take a slot of the address's daily cap (mailcaps.py), so the form cannot be
  used to mail-bomb someone; signing again while pending sends the link again, within that cap.
- Pending signatures that nobody confirms are deleted after CONFIRMATION_EXPIRY_DAYS: they were
  never counted and have no letters.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from petitions.abuse.moderation import accept_signatures
from petitions.enums import SignatureStatus
from petitions.mail import signer_mail
from petitions.mail.signer_mail import enqueue_receipt
from petitions.models import Signature
from petitions.signing import links

logger = logging.getLogger(__name__)

PURPOSE = "confirm"


def confirmation_url(signature: Signature) -> str:
    return links.absolute_link(signature, purpose=PURPOSE, url_name="petitions:confirm")


def signature_for_token(token: str, *, slug: str) -> Signature | None:
    max_age = settings.CONFIRMATION_EXPIRY_DAYS * 86400
    return links.signature_for(token, purpose=PURPOSE, slug=slug, max_age_seconds=max_age)


def send_confirmation(*, signature_id: int) -> bool:
    """Email the link to a pending signature's address, within the daily cap; True if it went."""
    return signer_mail.send_link_email(
        signature_id=signature_id,
        build=signer_mail.build_confirmation,
        url_for=confirmation_url,
        only_if=lambda signature: signature.status == SignatureStatus.PENDING,
    )


def confirm_signature(*, signature: Signature) -> bool:
    """Pending -> confirmed: counted, letters queued. False if it was not pending (already confirmed,
    held or rejected): confirming is idempotent and never releases a held signature."""
    confirmed = accept_signatures(signature_ids=[signature.pk], from_statuses=[SignatureStatus.PENDING]).signatures
    if confirmed and signature.wants_receipt:
        enqueue_receipt(signature.pk)
    return bool(confirmed)


def forget_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete pending signatures older than CONFIRMATION_EXPIRY_DAYS: nobody confirmed them."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CONFIRMATION_EXPIRY_DAYS)
    deleted, _ = Signature.objects.filter(status=SignatureStatus.PENDING, created_at__lt=cutoff).delete()
    if deleted:
        logger.info("Deleted %d unconfirmed signature(s)", deleted)
    return deleted
