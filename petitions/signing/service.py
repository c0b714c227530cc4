"""Signing: a signature stored with its letters and its count, all or nothing; enqueued after commit.

The abuse screen decides whether it is counted now, held for an organiser or waits for its signer's
confirmation; the answer to the signer is the same in every case.
"""

from collections.abc import Mapping
from functools import partial

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from petitions.abuse.screen import screen_signature
from petitions.core.hashing import email_hash, ip_hash, name_index, normalise_email
from petitions.delivery.queueing import enqueue_deliveries, letters_for
from petitions.enums import SignatureStatus
from petitions.mail.signer_mail import enqueue_receipt, enqueue_signer_mail
from petitions.models import Signature
from petitions.signing.storage import store_signature

SIGNATURE_FIELDS = (
    "wants_copy",
    "wants_receipt",
    "first_name",
    "last_name",
    "country",
    "city",
    "postcode",
    "organisation",
    "message",
    "own_subject",
    "own_body",
    "own_paragraph",
    "consent_to_contact",
    "show_name_publicly",
    "show_full_name_in_handover",
)


class CampaignNotOpen(Exception):
    """The campaign is a draft, paused, closed or not open yet: it accepts nothing."""


class AlreadySigned(Exception):
    """This address has signed this campaign; the signer sees the ordinary thank-you page."""


def sign_petition(
    *,
    campaign: Campaign,
    data: Mapping,
    language: str,
    client_ip: str | None,
    consent_text: str = "",
    source: str = "",
) -> Signature:
    """Store a signature, queue its letters and count it, all or nothing; enqueue after commit.

    A signature the abuse defences suspect is stored as held instead: not counted, no letters, and
    the caller cannot tell (the return is the same; the status is on the row).
    """
    if not campaign.is_open():
        raise CampaignNotOpen(campaign.slug)
    now = timezone.now()
    email, email_key = normalise_email(data["email"]), email_hash(data["email"])
    hold_reasons = screen_signature(campaign=campaign, data=data, email=email, email_key=email_key, client_ip=client_ip)
    if hold_reasons:
        status = SignatureStatus.HELD
    elif campaign.signers_at_risk:
        status = SignatureStatus.PENDING
    else:
        status = SignatureStatus.CONFIRMED
    signature = Signature(
        campaign=campaign,
        email=email,
        email_hash=email_key,
        name_index=name_index(data.get("first_name", ""), data.get("last_name", "")),
        language=language,
        consent_text=consent_text if data.get("consent_to_contact") else "",
        source=source[:64],
        ip_hash=ip_hash(client_ip),
        status=status,
        hold_reasons=" ".join(hold_reasons)[:200],
        created_at=now,
        confirmed_at=now if status == SignatureStatus.CONFIRMED else None,
        chosen_targets=list(data.get("targets") or []),
        **{field: data.get(field, "") for field in SIGNATURE_FIELDS if field in data},
    )
    # Where signers may be at risk a last name is never handed over, whatever the request said.
    signature.show_full_name_in_handover = bool(data.get("show_full_name_in_handover")) and not campaign.signers_at_risk
    # Only a confirmed signature is counted and gets letters; a held one waits for an organiser, a
    # pending one for its signer's confirmation (confirmations.py).
    letters = letters_for(signature, now=now) if status == SignatureStatus.CONFIRMED else []
    delivery_ids = store_signature(signature, letters)
    if delivery_ids is None:
        if status != SignatureStatus.HELD:
            _mail_repeat_signer(campaign=campaign, email_key=email_key, wants_receipt=signature.wants_receipt)
        raise AlreadySigned(campaign.slug)
    transaction.on_commit(partial(enqueue_deliveries, delivery_ids))
    # No mail on a suspect's behalf: that is exactly what the defences are there to stop.
    if status == SignatureStatus.PENDING:
        transaction.on_commit(partial(enqueue_signer_mail, "first_confirmation", signature.pk))
    elif status == SignatureStatus.CONFIRMED and signature.wants_receipt:
        transaction.on_commit(partial(enqueue_receipt, signature.pk))
    return signature


def _mail_repeat_signer(*, campaign: Campaign, email_key: str, wants_receipt: bool) -> None:
    """A repeat signature gets the email a new one would (receipts.py): the confirmation link again
    while the stored signature is pending, else the receipt if asked for. Whoever typed the address
    learns nothing; its owner is mailed within the daily cap."""
    stored = Signature.objects.filter(campaign=campaign, email_hash=email_key).values_list("pk", "status").first()
    if stored is None:
        return
    if stored[1] == SignatureStatus.PENDING:
        transaction.on_commit(partial(enqueue_signer_mail, "confirmation", stored[0]))
    elif wants_receipt:
        transaction.on_commit(partial(enqueue_receipt, stored[0]))
