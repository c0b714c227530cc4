"""Celery beat's table: every periodic task, how often it runs, and (from the same rows) its route.

One table, read twice: outcry/celery.py builds the schedule from it, and settings.py routes the
same task names to the "beat" queue, so a periodic task sent by hand queues where beat's would.
Schedules are read from settings when the Celery app is finalised (they are configurable).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab

BEAT_QUEUE = "beat"


@dataclass(frozen=True)
class BeatEntry:
    task: str
    label: str
    schedule: Callable[[Any], float | crontab]  # settings -> seconds, or a crontab


BEAT = (
    # The sweepers heal lost enqueues and crashed sends (of letters, of confirmation emails), the
    # dispatcher hands out paced targets' sending slots, the composer writes digests of ended
    # periods, the reconciler keeps counters exact.
    BeatEntry("petitions.sweep_deliveries", "sweep deliveries", lambda s: s.SWEEP_INTERVAL_SECONDS),
    BeatEntry("petitions.sweep_confirmations", "sweep confirmation emails", lambda s: s.SWEEP_INTERVAL_SECONDS),
    BeatEntry("petitions.dispatch_paced_letters", "dispatch paced letters", lambda s: s.PACING_INTERVAL_SECONDS),
    BeatEntry("petitions.compose_digests", "compose digests", lambda s: s.DIGEST_COMPOSE_INTERVAL_SECONDS),
    BeatEntry("petitions.sweep_responses", "sweep reply forwards and report-backs", lambda s: 300),
    BeatEntry("petitions.collect_webhooks", "collect and sweep webhooks", lambda s: s.WEBHOOK_INTERVAL_SECONDS),
    BeatEntry("petitions.reconcile_counters", "reconcile counters", lambda s: s.RECONCILE_INTERVAL_SECONDS),
    # Clean-ups.
    BeatEntry("petitions.check_sending_domain", "check the sending domain's DNS", lambda s: 6 * 3600),
    BeatEntry("petitions.forget_mail_counts", "forget mail counts", lambda s: 3600),
    BeatEntry("petitions.forget_unconfirmed", "forget unconfirmed", lambda s: 3600),
    BeatEntry(
        "petitions.anonymise_closed_campaigns",
        "anonymise signer data after the retention period",
        lambda s: s.RETENTION_INTERVAL_SECONDS,
    ),
    BeatEntry(
        "petitions.forget_sign_in_records",
        "forget admin sign-in records after AXES_RETENTION_DAYS",
        lambda s: s.RETENTION_INTERVAL_SECONDS,
    ),
    # The organisers' schedule: closing by date, milestone emails, the morning summary.
    BeatEntry("campaigns.close_ended_campaigns", "close ended campaigns", lambda s: 60),
    BeatEntry("petitions.notify_milestones", "milestones", lambda s: 60),
    BeatEntry(
        "petitions.send_daily_summaries", "daily summaries", lambda s: crontab(hour=s.DAILY_SUMMARY_HOUR, minute=0)
    ),
)

BEAT_ROUTES = {entry.task: {"queue": BEAT_QUEUE} for entry in BEAT}
