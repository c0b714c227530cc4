"""How many requests a network address may make to the public API, per minute.

The key holds a keyed hash of the address, never the address, and nothing is logged. Like every
limit here it fails open: while Redis does not answer, the API answers.
"""

import time

from django.conf import settings

from petitions.abuse import store
from petitions.core.hashing import ip_hash

MINUTE = 60


def api_wait_seconds(client_ip: str | None) -> int:
    """0 while the address is within API_REQUESTS_PER_MINUTE, else the seconds until its window ends."""
    if not client_ip or not settings.API_REQUESTS_PER_MINUTE:
        return 0
    now = int(time.time())
    window = now // MINUTE
    key = f"abuse:api-ip:{ip_hash(client_ip)[:32]}:{window}"
    if store.hit(key, window_seconds=MINUTE) <= settings.API_REQUESTS_PER_MINUTE:
        return 0
    return max(1, (window + 1) * MINUTE - now)
