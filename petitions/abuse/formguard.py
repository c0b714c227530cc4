"""What the signing form carries for the defences: a honeypot and a signed stamp of when it was shown.

The stamp is signed (Django's signing, under SECRET_KEY) with the campaign id and the time the page
was rendered, so a bot cannot forge an older one; its age is how long the form took to fill.
"""

import time

from django.core import signing

HONEYPOT_FIELD = "homepage"
STAMP_FIELD = "form_stamp"
CAPTCHA_FIELD = "altcha"
STAMP_SALT = "outcry.petitions.sign-form"
# A page left open longer than this is treated like one without a stamp (a tab kept for days is rare;
# a harvested stamp replayed for weeks is not).
STAMP_MAX_AGE = 2 * 24 * 3600


def issue_stamp(campaign_id: int, *, now: float | None = None) -> str:
    return signing.dumps([campaign_id, round(now or time.time(), 3)], salt=STAMP_SALT, compress=False)


def seconds_since_render(stamp: str, campaign_id: int, *, now: float | None = None) -> float | None:
    """How long ago the form was shown, or None for a missing, forged, foreign or stale stamp."""
    if not stamp or len(stamp) > 200:
        return None
    try:
        stamped_campaign, rendered_at = signing.loads(stamp, salt=STAMP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if stamped_campaign != campaign_id or not isinstance(rendered_at, int | float):
        return None
    elapsed = (now or time.time()) - rendered_at
    return elapsed if elapsed <= STAMP_MAX_AGE else None
