from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", _("Rejected")
    # Signed on a paper sheet and imported by an organiser (petitions/paper/): counted on paper,
    # never online, and no letter is sent for it. A status of its own, so that every read of
    # "confirmed" (the online count, letters, moderation, the dashboard's charts) leaves it out.
    PAPER = "paper", _("Signed on paper")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Digest mode: a signer's letter waits for the next digest, then points at the digest that named it.
    BATCHED = "batched", _("Waiting for the next digest")
    DIGESTED = "digested", _("Named in a digest")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Letters that count as "emails sent" on the public counter: they left us and were not returned.
SENT_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.COMPLAINED)
# Letters still on their way out.
PENDING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.BATCHED)
# Letters that may still be cancelled: not yet handed to a worker.
CANCELLABLE_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.BATCHED)


class BlockRuleKind(models.TextChoices):
    """What a block rule matches (petitions/abuse/lists.py)."""

    EMAIL = "email", _("Email address")
    DOMAIN = "domain", _("Email domain")
    NETWORK = "network", _("IP address or network")


class PaperBatchKind(models.TextChoices):
    """What an organiser added for signatures collected on paper (petitions/paper/)."""

    COUNT = "count", _("A count")
    SIGNERS = "signers", _("Imported signers")


class WebhookEvent(models.TextChoices):
    """What an organiser's webhook endpoint may be told about (petitions/webhooks/)."""

    SIGNATURE_CONFIRMED = "signature.confirmed", _("A signature is confirmed")
    LETTER_SENT = "letter.sent", _("A letter is sent")
    LETTER_DELIVERED = "letter.delivered", _("A letter is delivered")
    LETTER_BOUNCED = "letter.bounced", _("A letter bounced")
    RESPONSE_RECEIVED = "response.received", _("A reply is received")
    MILESTONE_REACHED = "milestone.reached", _("A milestone is reached")
    # Sent by an organiser from the admin, to see their receiver answer; never chosen as an event.
    TEST = "test", _("Test event")


class WebhookFormat(models.TextChoices):
    OUTCRY = "outcry", _("Outcry JSON")
    OSDI = "osdi", _("OSDI (Action Network)")


class WebhookDeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Every attempt failed: kept, shown in the admin, sent again only when an organiser asks.
    DEAD = "dead", _("Given up")


class DossierState(models.TextChoices):
    """Where a delivery dossier stands (petitions/privacy/dossier.py)."""

    QUEUED = "queued", _("Waiting for a worker")
    BUILDING = "building", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
