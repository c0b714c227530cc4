"""Forgetting organisers' sign-in records: django-axes writes down every admin sign-in attempt with
the address it came from, the browser's user agent and the username typed, and would keep them
forever. After AXES_RETENTION_DAYS they go (beat runs this hourly); the lockout itself only needs
the last AXES_COOLOFF_MINUTES.
"""

import logging
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def forget_old_sign_in_records(*, now: datetime | None = None) -> int:
    """Delete lockout counters, sign-in logs and failure logs older than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AXES_RETENTION_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    if deleted:
        logger.info("Deleted %d admin sign-in record(s) older than %d days", deleted, settings.AXES_RETENTION_DAYS)
    return deleted
