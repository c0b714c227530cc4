"""What each event says, in the endpoint's format. Built once, when the event is stored, and sent
byte for byte on every attempt.

Personal data (name, email, country, language) goes only with a confirmed signature whose signer
agreed to be contacted; every other event is ids, times and counts. A reply's text is never sent:
it may quote the letter, which names its signer.
"""

import json
from datetime import datetime

from django.db.models import Sum

from campaigns.models import Campaign, Target
from petitions.enums import WebhookEvent, WebhookFormat
from petitions.models import CounterShard, Delivery, Response, Signature, TrackingEvent, WebhookEndpoint


def encode(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def envelope(event: str, event_id: str, campaign: Campaign | None, created: datetime, data: dict) -> dict:
    return {
        "id": event_id,
        "type": event,
        "created": created.isoformat(timespec="seconds"),
        "campaign": {"id": campaign.pk, "slug": campaign.slug} if campaign else None,
        "data": data,
    }


def counts(campaign_id: int) -> dict:
    totals = CounterShard.objects.filter(campaign_id=campaign_id).aggregate(
        signatures=Sum("signatures", default=0),
        paper=Sum("paper", default=0),
        letters_sent=Sum("emails_sent", default=0),
    )
    return {"signatures": totals["signatures"], "on_paper": totals["paper"], "letters_sent": totals["letters_sent"]}


def target_of(target: Target) -> dict:
    return {"id": target.pk, "name": target.name}


def person(signature: Signature) -> dict:
    return {
        "first_name": signature.first_name,
        "last_name": signature.last_name,
        "email": signature.email,
        "country": str(signature.country),
        "language": signature.language,
    }


def signature_confirmed(endpoint: WebhookEndpoint, signature: Signature, created: datetime) -> dict | None:
    """None when the format has nothing to say without consent (OSDI is a person, or nothing)."""
    consented = signature.consent_to_contact and not signature.anonymised_at
    if endpoint.format == WebhookFormat.OSDI:
        return osdi_signature(signature) if consented else None
    data = {
        "signature": {"id": signature.pk, "confirmed_at": signature.confirmed_at.isoformat(timespec="seconds")},
        "consented_to_contact": consented,
        "counts": counts(signature.campaign_id),
    }
    if consented:
        data["person"] = person(signature)
    event_id = f"{WebhookEvent.SIGNATURE_CONFIRMED}:{signature.pk}"
    return envelope(WebhookEvent.SIGNATURE_CONFIRMED, event_id, signature.campaign, created, data)


def osdi_signature(signature: Signature) -> dict:
    """Action Network's record signature helper (OSDI): POSTed to a petition's signatures
    endpoint, it adds or updates the person and records their signature."""
    return {
        "person": {
            "given_name": signature.first_name,
            "family_name": signature.last_name,
            "email_addresses": [{"address": signature.email, "primary": True}],
            "postal_addresses": [{"country": str(signature.country)}],
            "languages_spoken": [signature.language],
        },
        "add_tags": ["outcry", f"outcry:{signature.campaign.slug}"],
        "triggers": {"autoresponse": {"enabled": False}},
    }


def letter_sent(endpoint: WebhookEndpoint, letter: Delivery, created: datetime) -> dict:
    data = {
        "letter": {
            "id": letter.pk,
            "signature_id": letter.signature_id,
            "digest": letter.signature_id is None,
            "target": target_of(letter.target),
            "sent_at": letter.sent_at.isoformat(timespec="seconds"),
        },
        "counts": counts(letter.campaign_id),
    }
    return envelope(WebhookEvent.LETTER_SENT, f"{WebhookEvent.LETTER_SENT}:{letter.pk}", letter.campaign, created, data)


def letter_reported(endpoint: WebhookEndpoint, event: str, report: TrackingEvent, created: datetime) -> dict:
    letter = report.delivery
    data = {
        "letter": {"id": letter.pk, "signature_id": letter.signature_id, "target": target_of(letter.target)},
        "reported_at": report.occurred_at.isoformat(timespec="seconds"),
        "provider": report.provider,
    }
    return envelope(event, f"{event}:{report.pk}", letter.campaign, created, data)


def response_received(endpoint: WebhookEndpoint, response: Response, created: datetime) -> dict:
    data = {
        "response": {
            "id": response.pk,
            "letter_id": response.delivery_id,
            "target": target_of(response.target),
            "received_at": response.received_at.isoformat(timespec="seconds"),
            "from_target": response.from_target,
            "automatic": response.automatic,
        }
    }
    event_id = f"{WebhookEvent.RESPONSE_RECEIVED}:{response.pk}"
    return envelope(WebhookEvent.RESPONSE_RECEIVED, event_id, response.campaign, created, data)


def milestone_event(campaign: Campaign, percent: int, signatures: int, created: datetime) -> tuple[str, dict]:
    """The event id and payload of a milestone: one event per campaign and percent."""
    data = {"milestone": {"percent": percent, "goal": campaign.goal, "signatures": signatures}}
    event_id = f"{WebhookEvent.MILESTONE_REACHED}:{campaign.pk}:{percent}"
    return event_id, envelope(WebhookEvent.MILESTONE_REACHED, event_id, campaign, created, data)


def test_event(endpoint: WebhookEndpoint, event_id: str, created: datetime) -> dict:
    if endpoint.format == WebhookFormat.OSDI:
        return {
            "person": {
                "given_name": "Test",
                "family_name": "Outcry",
                "email_addresses": [{"address": "test@example.org", "primary": True}],
            },
            "add_tags": ["outcry", "outcry:test"],
            "triggers": {"autoresponse": {"enabled": False}},
        }
    return envelope(WebhookEvent.TEST, event_id, endpoint.campaign, created, {"test": True})
