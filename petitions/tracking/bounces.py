"""Bounce messages received by plain SMTP, applied like a provider's webhook events.

The receiver (petitions/inbound/receiver.py) hands over the raw message sent to a letter's VERP
address; dsn.py reads what it says. A hard bounce goes through the same state table as a
provider's "bounced" (events.py): the letter leaves the count, the target is switched off and its
organisers are told once. A soft bounce or a delay is stored as an event and changes nothing: the
receiving server is still trying. An out-of-office reply to the bounce address is ignored.

The same message received twice is one event: its id is a hash of the message's own Message-ID
(or of its bytes) and the recipient, under TrackingEvent's unique constraint.
"""

import hashlib

from anymail.signals import AnymailTrackingEvent, EventType
from django.utils import timezone

from petitions.models import Delivery
from petitions.tracking import dsn
from petitions.tracking.events import record_tracking_event

PROVIDER = "bounce mailbox"
EVENT_TYPES = {dsn.HARD: EventType.BOUNCED, dsn.SOFT: EventType.DEFERRED, dsn.DELAYED: EventType.DEFERRED}
# A delay is stored like a soft bounce ("deferred", changing nothing) but is not one: its description
# says so, and the per-target figures (tracking/figures.py) leave it out of the soft bounces.
DELAY_DESCRIPTION = "delayed delivery"


def receive_bounce(envelope_recipient: str, raw: bytes) -> str:
    """Apply a bounce message sent to `envelope_recipient`; what it did, in a few words, no address."""
    outcomes = []
    for bounce in dsn.parse(raw):
        if bounce.kind not in EVENT_TYPES:
            outcomes.append("not a bounce: ignored")
            continue
        delivery_id = dsn.letter_of_bounce(envelope_recipient, bounce)
        delivery = Delivery.objects.filter(pk=delivery_id).only("message_id").first() if delivery_id else None
        if delivery is None or not delivery.message_id:
            outcomes.append(f"{bounce.kind}: no letter recorded as sent")
            continue
        event = AnymailTrackingEvent(
            event_type=EVENT_TYPES[bounce.kind],
            timestamp=timezone.now(),
            event_id=_event_id(raw, bounce.recipient),
            message_id=delivery.message_id,
            recipient=bounce.recipient or None,
            description=(DELAY_DESCRIPTION if bounce.kind == dsn.DELAYED else f"{bounce.kind} bounce")
            + f" {bounce.status}".rstrip(),
            mta_response=bounce.diagnostic,
        )
        results = record_tracking_event(event=event, provider=PROVIDER)
        outcomes.append(f"{bounce.kind}: {'; '.join(results) or 'no letter'}")
    return " | ".join(outcomes) or "nothing to read"


def _event_id(raw: bytes, recipient: str) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message_ids = [line for line in head.splitlines() if line.lower().startswith(b"message-id:")]
    basis = message_ids[0] if message_ids else raw
    return hashlib.sha256(basis + b"\0" + recipient.lower().encode()).hexdigest()[:40]
