"""The Celery app: settings under the CELERY_ namespace, tasks autodiscovered, beat schedule here."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcry.settings")

app = Celery("outcry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender: Celery, **kwargs) -> None:
    """The sweeper heals lost enqueues and crashed sends, the dispatcher hands out paced targets'
    sending slots, the composer writes digests of ended periods, the reconciler keeps counters
    exact; then clean-ups and the organisers' schedule. Every entry runs on the "beat" queue, here
    and through settings.CELERY_TASK_ROUTES when a task is sent by hand."""
    from django.conf import settings

    def every(schedule, task: str, name: str) -> None:
        sender.add_periodic_task(schedule, sender.signature(task), name=name, queue="beat")

    every(settings.SWEEP_INTERVAL_SECONDS, "petitions.sweep_deliveries", "sweep deliveries")
    every(settings.PACING_INTERVAL_SECONDS, "petitions.dispatch_paced_letters", "dispatch paced letters")
    every(settings.DIGEST_COMPOSE_INTERVAL_SECONDS, "petitions.compose_digests", "compose digests")
    every(3600, "petitions.forget_mail_counts", "forget mail counts")
    every(3600, "petitions.forget_unconfirmed", "forget unconfirmed")
    every(settings.RECONCILE_INTERVAL_SECONDS, "petitions.reconcile_counters", "reconcile counters")
    every(
        settings.RETENTION_INTERVAL_SECONDS,
        "petitions.anonymise_closed_campaigns",
        "anonymise signer data after the retention period",
    )
    # The organisers' schedule: closing by date, milestone emails, the morning summary.
    every(60, "campaigns.close_ended_campaigns", "close ended campaigns")
    every(60, "petitions.notify_milestones", "milestones")
    every(crontab(hour=settings.DAILY_SUMMARY_HOUR, minute=0), "petitions.send_daily_summaries", "daily summaries")


@task_postrun.connect
def retire_old_database_connections(**kwargs) -> None:
    """With connections reused across tasks, drop the ones past CONN_MAX_AGE or broken, as Django
    does at the end of each web request."""
    from django.db import close_old_connections

    close_old_connections()
