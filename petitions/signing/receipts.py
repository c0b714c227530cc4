"""Signer receipts: a private link, sent by email, that shows what became of each of one's letters.

The thank-you page is the same for everyone (it must never tell a government which addresses have
signed), so a letter's progress is shown only behind a link mailed to the address that signed. A
repeat signature that asks for a receipt gets the same email for the signature already stored:
whoever typed the address learns nothing, and the owner of the address is mailed at most
SIGNER_MAIL_DAILY_CAP times a day (mailcaps.py).

The link carries a signed, expiring token naming the signature (links.py); the page shows
target names and letter statuses, nothing about the signer and no target address.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from petitions.enums import DeliveryStatus
from petitions.mail import signer_mail
from petitions.models import Delivery, Signature
from petitions.signing import links

PURPOSE = "receipt"


def signature_for_token(token: str, *, slug: str) -> Signature | None:
    """The signature a receipt link names, or None if the link is forged, expired or not this campaign's."""
    max_age = settings.RECEIPT_LINK_MAX_AGE_DAYS * 86400
    return links.signature_for(token, purpose=PURPOSE, slug=slug, max_age_seconds=max_age)


def receipt_url(signature: Signature) -> str:
    return links.absolute_link(signature, purpose=PURPOSE, url_name="petitions:receipt")


@dataclass(frozen=True)
class LetterProgress:
    """One letter as its signer may see it: to whom, how far it got, when."""

    target_name: str
    target_title: str
    status: str
    status_label: str
    sent_at: datetime | None
    in_digest: bool


def letter_progress(signature: Signature) -> list[LetterProgress]:
    """A signer's letters, one per target; in digest mode each shows the digest that named them."""
    letters = (
        Delivery.objects.filter(signature=signature).select_related("target", "digest").order_by("target__name", "pk")
    )
    progress = []
    for letter in letters:
        shown = letter.digest if letter.digest_id else letter
        progress.append(
            LetterProgress(
                target_name=letter.target.name,
                target_title=letter.target.title,
                status=shown.status,
                status_label=str(DeliveryStatus(shown.status).label),
                sent_at=shown.sent_at,
                in_digest=letter.digest_id is not None or letter.status == DeliveryStatus.BATCHED,
            )
        )
    return progress


def send_receipt(*, signature_id: int) -> bool:
    """Email the signer their private link, within the address's daily cap; True if it went."""
    return signer_mail.send_link_email(signature_id=signature_id, build=signer_mail.build_receipt, url_for=receipt_url)


def set_forward_replies(signature: Signature, on: bool) -> None:
    """The signer's choice, from their receipt page: any reply to their letters is emailed to them."""
    Signature.objects.filter(pk=signature.pk).update(forward_replies=on)
