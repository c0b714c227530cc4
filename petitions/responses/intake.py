"""Storing a reply that came to a letter's reply address: the one entry point for every way mail
arrives (the SMTP/LMTP receiver, a provider's inbound webhook)."""

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from petitions.core.hashing import keyed_hash
from petitions.models import Delivery, Response
from petitions.responses.forwarding import enqueue_forward
from petitions.responses.parsing import parse_reply

logger = logging.getLogger(__name__)


def dedupe_key(message_id: str, raw: bytes) -> str:
    """Stable across deliveries of one message: its Message-ID, or its bytes when it has none."""
    basis = f"message-id:{message_id.strip().lower()}" if message_id.strip() else hashlib.sha256(raw).hexdigest()
    return keyed_hash(settings.EMAIL_HASH_KEY, f"reply:{basis}")


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def is_from_target(sender: str, target_email: str) -> bool:
    """The target's own address, or another address at its domain (a colleague answering)."""
    sender_domain = domain_of(sender)
    return bool(sender_domain) and "@" in sender and sender_domain == domain_of(target_email)


def receive_reply(delivery_id: int, raw: bytes) -> str:
    """Store the reply to one letter; the outcome in a few words for the receiver's log (never an
    address). Raises on a temporary failure (the database), so the sending server retries."""
    if len(raw) > settings.INBOUND_MAIL_MAX_BYTES:  # the receiver's limit, whichever way it came
        return "refused: too large"
    delivery = Delivery.objects.select_related("target").filter(pk=delivery_id).first()
    if delivery is None:
        return "dropped: no such letter"
    reply = parse_reply(raw)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                delivery=delivery,
                campaign_id=delivery.campaign_id,
                target=delivery.target,
                sender=reply.sender,
                subject=reply.subject,
                text=reply.text,
                size=len(raw),
                dedupe_key=dedupe_key(reply.message_id, raw),
                from_target=is_from_target(reply.sender, delivery.target.email),
                automatic=reply.automatic,
            )
    except IntegrityError:
        if Response.objects.filter(dedupe_key=dedupe_key(reply.message_id, raw)).exists():
            return "duplicate"
        raise
    logger.info("Response %s stored for letter %s", response.pk, delivery_id)
    if not response.automatic:
        enqueue_forward(response.pk)
    return "stored automatic" if reply.automatic else "stored"
