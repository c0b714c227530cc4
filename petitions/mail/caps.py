"""A daily cap on the emails Outcry sends to one address on a signer's behalf.

Anyone can type someone else's address into a signing form. Every email that goes to the address
typed (a receipt, a confirmation link, a data-request link) first takes a slot here; past
SIGNER_MAIL_DAILY_CAP a day the email is silently skipped. The count is one atomic upsert, in
PostgreSQL and in SQLite alike, so concurrent workers cannot both take the last slot.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from petitions.models import SignerMailCount

logger = logging.getLogger(__name__)

_TAKE_SLOT = (
    "INSERT INTO {table} (email_hash, day, sent) VALUES (%s, %s, 1) "
    "ON CONFLICT (email_hash, day) DO UPDATE SET sent = {table}.sent + 1 RETURNING sent"
)


def take_mail_slot(*, email_hash: str, now: datetime | None = None) -> bool:
    """Count one email to this address today; False when the day's cap is already used up."""
    day = timezone.localdate(now or timezone.now(), timezone=timezone.get_fixed_timezone(0))
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SLOT.format(table=SignerMailCount._meta.db_table), [email_hash, day])
        sent = cursor.fetchone()[0]
    if sent > settings.SIGNER_MAIL_DAILY_CAP:
        logger.info("Daily email cap reached for one address (%d requests today); email skipped", sent)
        return False
    return True


def forget_old_counts(*, now: datetime | None = None) -> int:
    """Counts older than yesterday decide nothing any more."""
    cutoff = (now or timezone.now()).date() - timedelta(days=2)
    deleted, _ = SignerMailCount.objects.filter(day__lt=cutoff).delete()
    return deleted
