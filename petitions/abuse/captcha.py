"""A self-hosted proof-of-work captcha (ALTCHA): no third party sees the signer.

The page carries a challenge signed with our key; the browser spends about a second of CPU finding
the counter that solves it; we verify the solution with an HMAC (no re-derivation) and remember the
challenge until it expires, so a solved challenge cannot be spent twice.
"""

import hashlib
import secrets
import time

import altcha
from django.conf import settings

from petitions.abuse import store

ALGORITHM = "PBKDF2/SHA-256"
MAX_PAYLOAD_CHARS = 4000


def _key(purpose: str) -> str:
    return hashlib.sha256(f"{purpose}:{settings.ALTCHA_HMAC_KEY}".encode()).hexdigest()


def new_challenge() -> dict:
    """A signed, expiring challenge for one page view (embedded in the page, no extra request)."""
    half = max(1, settings.ALTCHA_MAX_COUNTER // 2)
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.ALTCHA_COST,
        counter=half + secrets.randbelow(half),
        expires_at=int(time.time()) + settings.ALTCHA_EXPIRES_SECONDS,
        hmac_secret=_key("challenge"),
        hmac_key_secret=_key("derived-key"),
    )
    return challenge.to_dict()


def check_solution(payload: str) -> str | None:
    """None if the payload solves a challenge of ours not spent before; else why not."""
    if not payload:
        return "captcha_missing"
    if len(payload) > MAX_PAYLOAD_CHARS:
        return "captcha_invalid"
    try:
        result = altcha.verify_solution(payload, _key("challenge"), hmac_key_secret=_key("derived-key"))
    except Exception:  # noqa: BLE001 - any malformed payload is simply not a solution
        return "captcha_invalid"
    if result.expired:
        return "captcha_expired"
    if not result.verified:
        return "captcha_invalid"
    spent_key = "abuse:altcha:" + hashlib.sha256(payload_challenge_id(payload).encode()).hexdigest()
    if not store.mark_once(spent_key, seconds=settings.ALTCHA_EXPIRES_SECONDS + 60):
        return "captcha_spent"
    return None


def payload_challenge_id(payload: str) -> str:
    """The challenge's own signature identifies it (the nonce and salt are inside what it signs)."""
    return altcha.Payload.from_base64(payload).challenge.signature or payload
