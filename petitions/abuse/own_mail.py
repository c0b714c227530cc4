"""Counting the letters signers send from their own mailboxes, one per click, within a bound.

The click is all there is to count (the letter leaves from the signer's own mail), so a script could
inflate the figure: each network address adds at most OWN_MAIL_CLICKS_PER_HOUR an hour to a
campaign. The key holds a keyed hash of the address, never the address, and nothing is logged.
Like every limit here it fails open: while Redis does not answer, clicks count.
"""

from datetime import UTC, datetime

from petitions.abuse import store
from petitions.core.hashing import ip_hash
from petitions.reporting.counters import add_to_counters

HOUR = 3600
# Mobile carriers put many people behind one address: generous for people, small for a script.
OWN_MAIL_CLICKS_PER_HOUR = 30


def count_own_mail_send(*, campaign_id: int, client_ip: str | None) -> bool:
    """Add one to the campaign's own-mailbox count; False (nothing counted) past the address's bound."""
    if client_ip:
        hour = datetime.now(UTC).strftime("%Y%m%d%H")
        key = f"abuse:{campaign_id}:own-mail-ip:{ip_hash(client_ip)[:32]}:{hour}"
        if store.hit(key, window_seconds=HOUR) > OWN_MAIL_CLICKS_PER_HOUR:
            return False
    add_to_counters(campaign_id=campaign_id, own_mail=1)
    return True
