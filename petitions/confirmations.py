"""Double opt-in: in a campaign that requires it, a signature counts and its letters go only once the
signer confirms through a link mailed to the address they typed.

- The email's link opens a page whose button POSTs the confirmation: mail scanners that fetch links
  must not confirm anything.
- The link is a signed token (signer_links.py) that expires after CONFIRMATION_EXPIRY_DAYS;
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

from petitions import emails, signer_links
from petitions.enums import SignatureStatus
from petitions.mailcaps import take_mail_slot
from petitions.models import Signature
from petitions.moderation import accept_signatures

logger = logging.getLogger(__name__)

PURPOSE = "confirm"


def confirmation_url(signature: Signature) -> str:
    return signer_links.absolute_link(signature, purpose=PURPOSE, url_name="petitions:confirm")


def signature_for_token(token: str, *, slug: str) -> Signature | None:
    max_age = settings.CONFIRMATION_EXPIRY_DAYS * 86400
    return signer_links.signature_for(token, purpose=PURPOSE, slug=slug, max_age_seconds=max_age)


def send_confirmation(*, signature_id: int) -> bool:
    """Email the link to a pending signature's address, within the daily cap; True if it went."""
    signature = Signature.objects.select_related("campaign__organisation").filter(pk=signature_id).first()
    if signature is None or signature.status != SignatureStatus.PENDING:
        return False
    if not take_mail_slot(email_hash=signature.email_hash):
        return False
    emails.build_confirmation(signature=signature, url=confirmation_url(signature)).send()
    return True


def confirm_signature(*, signature: Signature) -> bool:
    """Pending -> confirmed: counted, letters queued. False if it was not pending (already confirmed,
    held or rejected): confirming is idempotent and never releases a held signature."""
    confirmed = accept_signatures(signature_ids=[signature.pk], from_statuses=[SignatureStatus.PENDING]).signatures
    if confirmed and signature.wants_receipt:
        from petitions.services import enqueue_receipt

        enqueue_receipt(signature.pk)
    return bool(confirmed)


def forget_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete pending signatures older than CONFIRMATION_EXPIRY_DAYS: nobody confirmed them."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CONFIRMATION_EXPIRY_DAYS)
    deleted, _ = Signature.objects.filter(status=SignatureStatus.PENDING, created_at__lt=cutoff).delete()
    if deleted:
        logger.info("Deleted %d unconfirmed signature(s)", deleted)
    return deleted
