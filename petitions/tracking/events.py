"""What email providers tell us about letters after they left: delivered, bounced, marked as spam.

anymail receives the configured provider's webhook at /anymail/<provider>/tracking/ (opened by
petitions/tracking/webhook.py), checks its basic auth (ANYMAIL_WEBHOOK_SECRET) and the provider's
signature where there is one, and sends the normalised event to the receiver at the bottom of this
module. The receiver refuses to act on events from a
provider whose webhook nothing authenticates (no WEBHOOK_SECRET and no signature key): a forged
"bounced" would otherwise switch a government's address off.

An event finds its letter by Delivery.message_id (the provider's id, stored by mark_sent). Each
event is stored once as a TrackingEvent; a redelivered webhook hits a unique constraint and changes
nothing. Every status change is conditional on the status it starts from, under the letter's row
lock, so a duplicate the constraint cannot recognise (an event re-signed with a new id) finds
nothing left to change either.

The status of a letter only ever moves forward. Rows are the current status, columns the event;
"-" means the event is stored and nothing else happens:

    status       delivered   complained   hard bounce       refused      anything else
    sent         delivered   complained   bounced (-1, T)   failed (-1)  -
    delivered    -           complained   bounced (-1, T)   -            -
    complained   -           -            -                 -            -
    bounced      -           -            -                 -            -
    queued       -           -            -                 -            -
    sending      -           -            -                 -            -
    failed       -           -            -                 -            -
    cancelled    -           -            -                 -            -

    (-1)  the letter leaves the public "emails sent" count, in the same transaction; the scheduled
          recount counts rows by status and agrees.
    T     the target is deactivated (is_active, bounced_at, bounce_reason) and, the first time,
          its organisers are told by email after commit. The sweeper and the dispatcher pass
          inactive targets by; what a worker does with a letter to one is send_delivery's rule.

Why these and no others:
- delivered -> bounced is allowed: receiving servers often accept a letter and bounce it later
  (an asynchronous bounce), so "delivered" is not proof.
- bounced is final: providers do not order their webhooks, and a late "delivered" must neither
  bring a bounced letter back nor count it again.
- complained proves the letter arrived; it stays counted, and a contradictory bounce after it
  changes nothing.
- queued and sending: a letter found by its message id in these states was sent before and has
  been put back in the queue since. The worker owns it now; moving it under the worker's claim
  would make mark_sent find no "sending" row and the letter would go out uncounted.
- failed and cancelled are final and uncounted; an event about an earlier copy cannot make them
  "sent" without inventing a count we never made.
- hard bounce: anymail's "bounced", and "rejected" where the reason is the recipient (invalid
  address, earlier bounces, timeouts, an earlier complaint or unsubscribe the provider now
  enforces). anymail reports some providers' final soft bounces as "bounced" too (Postmark's
  SoftBounce, Brevo's soft_bounce, SES's Transient, Mailjet's non-hard bounces): the provider has
  given up on that letter, so it counts as a bounce; deactivation holds the target's letters and
  an organiser can make it active again.
- refused: "rejected" for any other reason (provider policy, account, content) and "failed" (the
  provider could not send it): the letter never left, so it fails; the target's address may be
  fine and stays active.
- "deferred" is a soft bounce: the provider retries, so it is only stored. So are queued, sent,
  opened, clicked, unsubscribed, autoresponded and unknown events.
- An event about another recipient of the same message (a blind copy, say) or about an address
  the organiser has changed since is stored without its texts and changes nothing.

A provider can report on a letter before the worker has recorded it as sent (the window between
the provider's answer and mark_sent's commit). Such an event finds no letter; if a letter to that
address is being sent right now, the webhook answers with an error so the provider delivers the
event again later, by when the letter is recorded.
"""

import enum
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from anymail.utils import get_anymail_setting
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Target
from petitions.core.text import one_line
from petitions.enums import SENT_STATUSES, DeliveryStatus
from petitions.mail.organiser_mail import build_bounce_alert
from petitions.models import Delivery, TrackingEvent
from petitions.reporting.counters import add_to_counters

logger = logging.getLogger(__name__)

# The outcome of an event about another recipient of the same message: it says nothing of the target.
ABOUT_ANOTHER_RECIPIENT = "No change: about another recipient of the same message."


class Kind(enum.Enum):
    """What an event means for a letter, whatever the provider called it."""

    DELIVERED = "delivered"
    COMPLAINED = "complained"
    HARD_BOUNCE = "hard bounce"
    REFUSED = "refused"
    OTHER = "other"


# Rejections that are about the address itself: the next letter would be refused the same way.
RECIPIENT_REJECT_REASONS = frozenset(
    {
        RejectReason.INVALID,
        RejectReason.BOUNCED,
        RejectReason.TIMED_OUT,
        RejectReason.SPAM,
        RejectReason.UNSUBSCRIBED,
    }
)


# The state table of the module docstring; every pair not listed leaves the letter as it is.
TRANSITIONS: dict[tuple[str, Kind], str] = {
    (DeliveryStatus.SENT, Kind.DELIVERED): DeliveryStatus.DELIVERED,
    (DeliveryStatus.SENT, Kind.COMPLAINED): DeliveryStatus.COMPLAINED,
    (DeliveryStatus.DELIVERED, Kind.COMPLAINED): DeliveryStatus.COMPLAINED,
    (DeliveryStatus.SENT, Kind.HARD_BOUNCE): DeliveryStatus.BOUNCED,
    (DeliveryStatus.DELIVERED, Kind.HARD_BOUNCE): DeliveryStatus.BOUNCED,
    (DeliveryStatus.SENT, Kind.REFUSED): DeliveryStatus.FAILED,
}


COUNTED = frozenset(SENT_STATUSES)


class LetterNotRecordedYet(Exception):
    """A provider reports on a letter that is still being recorded as sent: it should ask again later.

    Raised from the webhook, it becomes an HTTP 503 (petitions/tracking/webhook.py), which every
    provider answers by retrying.
    """


def classify(event: AnymailTrackingEvent) -> Kind:
    if event.event_type == EventType.DELIVERED:
        return Kind.DELIVERED
    if event.event_type == EventType.COMPLAINED:
        return Kind.COMPLAINED
    if event.event_type == EventType.BOUNCED:
        return Kind.HARD_BOUNCE
    if event.event_type == EventType.REJECTED:
        return Kind.HARD_BOUNCE if event.reject_reason in RECIPIENT_REJECT_REASONS else Kind.REFUSED
    if event.event_type == EventType.FAILED:
        return Kind.REFUSED
    return Kind.OTHER


def next_status(status: str, kind: Kind) -> str | None:
    """The letter's new status after an event of this kind, or None to leave it as it is."""
    return TRANSITIONS.get((status, kind))


def record_tracking_event(*, event: AnymailTrackingEvent, provider: str, now: datetime | None = None) -> list[str]:
    """Store a provider's event once and apply it to its letter(s); returns what it did to each.

    An event whose message id matches no letter (a confirmation email, an organiser alert, mail
    sent before the id was stored) is ignored, unless the letter may still be being recorded.
    """
    now = now or timezone.now()
    message_ids = _message_id_forms(event.message_id)
    if not message_ids:
        return []
    with transaction.atomic():
        # Locking the letters serialises concurrent events about them: each sees the status the
        # previous one left.
        deliveries = list(
            Delivery.objects.select_for_update(of=("self",))
            .select_related("target")
            .filter(message_id__in=message_ids)
            .order_by("pk")
        )
        if not deliveries:
            if classify(event) is not Kind.OTHER and _letter_being_recorded(event.recipient):
                raise LetterNotRecordedYet(f"{provider} {event.event_type} for a letter not recorded as sent yet")
            logger.debug("%s %s event matches no letter; ignored", provider, event.event_type)
            return []
        return [_apply(delivery, event=event, provider=provider, now=now) for delivery in deliveries]


def _apply(delivery: Delivery, *, event: AnymailTrackingEvent, provider: str, now: datetime) -> str:
    kind = classify(event)
    about_target = _is_about(event, delivery.target)
    old = delivery.status
    new = next_status(old, kind) if about_target else None
    if not about_target:
        outcome = ABOUT_ANOTHER_RECIPIENT
    elif new is None:
        outcome = f"No change: the letter stays {old}."
    else:
        outcome = f"{old} -> {new}."
    row = TrackingEvent(
        delivery=delivery,
        provider=provider[:30],
        event_type=str(event.event_type)[:20],
        event_id=str(event.event_id or "")[:255],
        occurred_at=_aware(event.timestamp) or now,
        received_at=now,
        reject_reason=str(event.reject_reason or "")[:20],
        # Texts about another recipient could name that recipient: not kept.
        description=_clip(event.description, 500) if about_target else "",
        mta_response=_clip(event.mta_response, 1000) if about_target else "",
        outcome=outcome,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return "Duplicate: already recorded."
    if new is None:
        return outcome
    reason = _reason(event, provider)
    changes = {"status": new}
    if new in (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED):
        changes["last_error"] = reason
    if not Delivery.objects.filter(pk=delivery.pk, status=old).update(**changes):
        return outcome  # not reachable under the row lock; kept so a change is never counted twice
    change = (new in COUNTED) - (old in COUNTED)
    if change:
        add_to_counters(campaign_id=delivery.campaign_id, emails_sent=change)
        outcome = f"{old} -> {new}, {'counted' if change > 0 else 'no longer counted'}."
    if new == DeliveryStatus.BOUNCED and _deactivate_target(delivery.target, reason=reason, provider=provider, now=now):
        outcome = f"{outcome[:-1]}; target deactivated, organisers told."
    TrackingEvent.objects.filter(pk=row.pk).update(outcome=outcome)
    return outcome


def _deactivate_target(target: Target, *, reason: str, provider: str, now: datetime) -> bool:
    """Switch the address off (campaigns' service) and, if this bounce is the one that did it, tell
    the organisers."""
    deactivated = campaign_services.deactivate_bounced_target(target=target, reason=reason, at=now)
    if deactivated:
        logger.warning("Target %s deactivated after a hard bounce reported by %s", target.pk, provider)
        # robust: the bounce is recorded whatever happens to the alert, and the webhook must not
        # fail (and be retried for nothing) because the organisers' mail server is down.
        transaction.on_commit(partial(send_bounce_alert, target_id=target.pk, provider=provider), robust=True)
    return deactivated


def send_bounce_alert(*, target_id: int, provider: str) -> None:
    target = Target.objects.select_related("campaign__organisation").get(pk=target_id)
    message = build_bounce_alert(target, provider=provider)
    if message is None:
        logger.warning("Target %s bounced, but its organisation has no address to tell", target_id)
        return
    message.send()


def webhook_is_authenticated(view_class: type) -> bool:
    """Whether anymail checked who sent this provider's webhook before passing its events on."""
    if get_anymail_setting("webhook_secret", default=None):
        return True
    # Mailgun, Mandrill, MailerSend, Postal and Unisender Go always verify their signature.
    if getattr(view_class, "warn_if_no_basic_auth", True) is False:
        return True
    # SendGrid verifies its signature when its key is configured.
    key_setting = getattr(view_class, "key_setting_name", None)
    esp_name = getattr(view_class, "esp_name", None)
    return bool(
        key_setting
        and isinstance(esp_name, str)
        and get_anymail_setting(key_setting, esp_name=esp_name, default=None, allow_bare=True)
    )


@receiver(tracking, dispatch_uid="petitions.tracking.events.on_tracking_event")
def on_tracking_event(sender: type, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    if not webhook_is_authenticated(sender):
        logger.error(
            "%s tracking webhook refused: set ANYMAIL_WEBHOOK_SECRET (or the provider's signing key)", esp_name
        )
        raise PermissionDenied("Tracking webhooks need ANYMAIL_WEBHOOK_SECRET or the provider's signing key.")
    record_tracking_event(event=event, provider=esp_name)


def _message_id_forms(message_id: object) -> list[str]:
    """The id as given, and with and without angle brackets: providers are not consistent."""
    given = str(message_id or "").strip()
    bare = given.strip("<>")
    return list(dict.fromkeys(form for form in (given, bare, f"<{bare}>") if bare))


def _letter_being_recorded(recipient: str | None) -> bool:
    """Whether a letter to this address is between its send and mark_sent right now."""
    if not recipient:
        return False
    targets = Target.objects.filter(email__iexact=recipient.strip()).values_list("pk", "campaign_id")
    scopes = [Q(campaign_id=campaign_id, target_id=target_id) for target_id, campaign_id in targets]
    if not scopes:
        return False
    # Scoped by campaign, so the (campaign, status) index finds the few rows in "sending".
    return Delivery.objects.filter(_any(scopes), status=DeliveryStatus.SENDING).exists()


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _is_about(event: AnymailTrackingEvent, target: Target) -> bool:
    recipient = (event.recipient or "").strip().lower()
    return not recipient or recipient == target.email.strip().lower()


def _reason(event: AnymailTrackingEvent, provider: str) -> str:
    texts = [one_line(str(text)) for text in (event.description, event.mta_response) if text]
    detail = "; ".join(text for text in texts if text) or str(event.reject_reason or event.event_type)
    return f"{provider}: {detail}"[:1000]


def _clip(text: object, length: int) -> str:
    return one_line(str(text or ""))[:length]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, UTC)
    return moment
