"""Forgetting signers: their personal data is anonymised a configurable time after a campaign closes.

Paper signers are signature rows too (petitions/paper/), cleared with the others; the scans of the
campaign's paper sheets, which may show names, are deleted, and so are its delivery dossiers.

What stays: the signature rows (so counts and per-country figures stay true), their status, country,
language and source, and every letter's delivery record (status, times, provider ids). What goes:
names, email, city, organisation, message, IP hash, consent wording; in the stored letters, every
trace of those values, replaced by "[removed]". Letters still waiting to go are cancelled first: a
letter must never be sent signed by nobody.
"""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from petitions.delivery.transitions import cancel_letters
from petitions.enums import DeliveryStatus
from petitions.mail.letters import signer_values
from petitions.models import Delivery, Dossier, PaperBatch, Signature
from petitions.webhooks.collecting import forget_signatures

logger = logging.getLogger(__name__)

REDACTED = "[removed]"
# A letter that names many signers (a digest) cannot be redacted name by name: its text goes whole.
WHOLE_LETTER_REMOVED = "[The text of this letter was removed at the end of the retention period.]"
CANCELLED_REASON = "The signer's data was anonymised at the end of the retention period."
# Values this short ("Al", "Li") are only removed where they stand as whole words.
SIGNER_FIELDS = ("signer_name", "signer_first_name", "signer_last_name", "signer_city", "signer_organisation")


def campaigns_due(*, now: datetime | None = None) -> QuerySet[Campaign]:
    """Campaigns closed (by status or by date) at least SIGNER_DATA_RETENTION_DAYS ago, not yet done."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGNER_DATA_RETENTION_DAYS)
    closed_long_ago = Q(ends_at__lte=cutoff) | Q(status=CampaignStatus.CLOSED, closed_at__lte=cutoff)
    return Campaign.objects.filter(closed_long_ago, signer_data_anonymised_at__isnull=True)


def anonymise_due_campaigns(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """The beat task's work: every due campaign, in batches; returns how many signatures it cleared."""
    now = now or timezone.now()
    total = 0
    for campaign in campaigns_due(now=now):
        total += anonymise_campaign(campaign=campaign, now=now, batch_size=batch_size)
    return total


def anonymise_campaign(*, campaign: Campaign, now: datetime | None = None, batch_size: int = 500) -> int:
    now = now or timezone.now()
    cleared = 0
    while True:
        done = _anonymise_batch(campaign, now, batch_size)
        cleared += done
        if done < batch_size:
            break
    Delivery.objects.filter(campaign=campaign, signature__isnull=True).update(
        subject=REDACTED, body=WHOLE_LETTER_REMOVED
    )
    for batch in PaperBatch.objects.filter(campaign=campaign).exclude(scan=""):
        batch.delete_scan()
    for dossier in Dossier.objects.filter(campaign=campaign):  # they list signers' first names
        dossier.delete_files()
        dossier.delete()
    if not Signature.objects.filter(campaign=campaign, anonymised_at__isnull=True).exists():
        campaign_services.mark_signer_data_anonymised(campaign=campaign, at=now)
    logger.info("Anonymised %d signature(s) of campaign %s", cleared, campaign.pk)
    return cleared


def _anonymise_batch(campaign: Campaign, now: datetime, batch_size: int) -> int:
    with transaction.atomic():
        # SKIP LOCKED: a signature whose letter is being sent right now is taken on the next run.
        signatures = list(
            Signature.objects.select_for_update(skip_locked=True)
            .filter(campaign=campaign, anonymised_at__isnull=True)
            .exclude(deliveries__status=DeliveryStatus.SENDING)
            .order_by("pk")[:batch_size]
        )
        anonymise_signatures(signatures, now=now)
    return len(signatures)


def anonymise_signatures(signatures: list[Signature], *, now: datetime) -> None:
    """Clear the signers' data and its traces in their letters, digests included; cancel letters
    still waiting. Call inside a transaction, with the rows locked and none of their letters
    being sent (the sender would write the text back)."""
    if not signatures:
        return
    ids = [signature.pk for signature in signatures]
    forget_signatures(ids)
    cancel_letters(Delivery.objects.filter(signature_id__in=ids), reason=CANCELLED_REASON)
    by_signature = {signature.pk: signature for signature in signatures}
    letters = list(Delivery.objects.filter(signature_id__in=ids).exclude(body="", subject=""))
    for letter in letters:
        _redact_letter(letter, [by_signature[letter.signature_id]])
    # A digest names many signers: only these signers' words are removed from it.
    named_in: dict[int, list[Signature]] = {}
    for signature_id, digest_id in Delivery.objects.filter(signature_id__in=ids, digest__isnull=False).values_list(
        "signature_id", "digest_id"
    ):
        named_in.setdefault(digest_id, []).append(by_signature[signature_id])
    digests = list(Delivery.objects.filter(pk__in=named_in).exclude(status=DeliveryStatus.SENDING))
    for digest in digests:
        _redact_letter(digest, named_in[digest.pk])
    Delivery.objects.bulk_update(letters + digests, ["subject", "body"], batch_size=500)
    Signature.objects.filter(pk__in=ids).update(
        first_name="",
        last_name="",
        name_index="",
        email="",
        email_hash=Concat(Value("anonymised-"), Cast("pk", CharField())),
        city="",
        postcode="",
        organisation="",
        message="",
        own_subject="",
        own_body="",
        own_paragraph="",
        ip_hash="",
        consent_text="",
        consent_to_contact=False,
        show_name_publicly=False,
        show_full_name_in_handover=False,
        wants_copy=False,
        wants_receipt=False,
        anonymised_at=now,
    )


def _redact_letter(letter: Delivery, signatures: list[Signature]) -> None:
    for signature in signatures:
        letter.subject = redact(letter.subject, signature)
        letter.body = redact(letter.body, signature)


def redact(text: str, signature: Signature) -> str:
    """Replace every trace of the signer's own words in a stored letter with "[removed]"."""
    values = signer_values(signature, signature.language or "en")
    pieces = [values[field] for field in SIGNER_FIELDS]
    message = values["signer_message"]
    # The message whole, and line by line (the letter may have folded its blank lines).
    pieces += [message, *message.splitlines()]
    # Their own paragraph, subject and letter, line by line (a line with a placeholder in it names
    # the target or the signer, whose name is removed above).
    for own in (signature.own_paragraph, signature.own_subject, signature.own_body):
        pieces += [line for line in own.splitlines() if "{" not in line]
    for piece in sorted({p.strip() for p in pieces if p and p.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(piece)}(?!\w)", REDACTED, text)
    return text
