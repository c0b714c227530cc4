"""The signature every payload carries: HMAC-SHA256 over the timestamp and the body.

`Outcry-Signature: t=<unix seconds>,v1=<hex>` where hex = HMAC_SHA256(secret, f"{t}.{body}"). The
timestamp is part of what is signed, so a receiver that refuses old timestamps cannot be fed a
recorded request again. docs/developers/webhooks.md shows the receiver's side.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Outcry-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and its timestamp is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp = parts.get("t", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance_seconds:
        return False
    expected = sign(secret, int(timestamp), body).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
