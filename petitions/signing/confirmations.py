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
- The row records that its email went (confirmation_mailed_at), so a request lost with the broker
  is not lost for good: the sweeper asks again for the emails still owed (sweep_confirmations).
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petitions.abuse.moderation import accept_signatures
from petitions.enums import SignatureStatus
from petitions.mail import signer_mail
from petitions.mail.signer_mail import enqueue_receipt, enqueue_signer_mails
from petitions.models import Signature
from petitions.signing import links

logger = logging.getLogger(__name__)

PURPOSE = "confirm"


def confirmation_url(signature: Signature) -> str:
    return links.absolute_link(signature, purpose=PURPOSE, url_name="petitions:confirm")


def signature_for_token(token: str, *, slug: str) -> Signature | None:
    max_age = settings.CONFIRMATION_EXPIRY_DAYS * 86400
    return links.signature_for(token, purpose=PURPOSE, slug=slug, max_age_seconds=max_age)


def send_confirmation(*, signature_id: int, unless_mailed: bool = False) -> bool:
    """Email the link to a pending signature's address, within the daily cap; True if it went.

    unless_mailed: only while the email is owed (a signature's first, however often it was asked
    for). The row stays locked until the email is recorded as done, and a worker that finds it
    locked leaves it to the one at it. A worker that dies between the mail server's acceptance and
    the commit leaves it owed, and the sweeper sends it again: the one way to a duplicate.
    """
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("campaign__organisation")
            .filter(pk=signature_id, status=SignatureStatus.PENDING)
            .first()
        )
        if signature is None or (unless_mailed and signature.confirmation_mailed_at is not None):
            return False
        sent = signer_mail.mail_link(signature, build=signer_mail.build_confirmation, url_for=confirmation_url)
        # Done with, even if not sent: a full daily cap or an address refused for good is a decision,
        # and asking again would only repeat it. A failure worth a retry raises and records nothing.
        Signature.objects.filter(pk=signature.pk).update(confirmation_mailed_at=timezone.now())
    return sent


def sweep_confirmations(*, now: datetime | None = None, batch_size: int = 500, max_batches: int = 20) -> int:
    """Ask again for the first confirmation email of pending signatures that have waited
    SWEEP_GRACE_SECONDS without one: the request was lost (a broker outage) or its worker died.

    Each row is asked for at most once per SWEEP_GRACE_SECONDS (confirmation_swept_at), so a slow
    queue is not flooded; the worker sends only what is still owed (send_confirmation). Held
    signatures are never pending, so never mailed; a signature past its expiry is left to
    forget_unconfirmed."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    owed = Signature.objects.filter(
        Q(confirmation_swept_at__isnull=True) | Q(confirmation_swept_at__lt=stale),
        status=SignatureStatus.PENDING,
        confirmation_mailed_at__isnull=True,
        created_at__lt=stale,
        created_at__gte=now - timedelta(days=settings.CONFIRMATION_EXPIRY_DAYS),
    )
    enqueued = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                owed.select_for_update(skip_locked=True)
                .order_by("created_at")
                .values_list("pk", flat=True)[:batch_size]
            )
            if ids:
                Signature.objects.filter(pk__in=ids).update(confirmation_swept_at=now)
                transaction.on_commit(partial(enqueue_signer_mails, "first_confirmation", ids))
        enqueued += len(ids)
        if len(ids) < batch_size:
            break
    if enqueued:
        logger.info("Sweeper asked again for %d confirmation email(s)", enqueued)
    return enqueued


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
