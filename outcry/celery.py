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
    exact. All of them run on the "beat" queue (settings.CELERY_TASK_ROUTES)."""
    from django.conf import settings

    sender.add_periodic_task(
        settings.SWEEP_INTERVAL_SECONDS, sender.signature("petitions.sweep_deliveries"), name="sweep deliveries"
    )
    sender.add_periodic_task(
        settings.PACING_INTERVAL_SECONDS,
        sender.signature("petitions.dispatch_paced_letters"),
        name="dispatch paced letters",
    )
    sender.add_periodic_task(
        settings.DIGEST_COMPOSE_INTERVAL_SECONDS, sender.signature("petitions.compose_digests"), name="compose digests"
    )
    sender.add_periodic_task(3600, sender.signature("petitions.forget_mail_counts"), name="forget mail counts")
    sender.add_periodic_task(3600, sender.signature("petitions.forget_unconfirmed"), name="forget unconfirmed")
    sender.add_periodic_task(
        settings.RECONCILE_INTERVAL_SECONDS,
        sender.signature("petitions.reconcile_counters"),
        name="reconcile counters",
    )
    sender.add_periodic_task(
        settings.RETENTION_INTERVAL_SECONDS,
        sender.signature("petitions.anonymise_closed_campaigns"),
        name="anonymise signer data after the retention period",
        queue="beat",
    )
    # The organisers' schedule: closing by date, milestone emails, the morning summary.
    sender.add_periodic_task(
        60, sender.signature("campaigns.close_ended_campaigns"), name="close ended campaigns", queue="beat"
    )
    sender.add_periodic_task(60, sender.signature("petitions.notify_milestones"), name="milestones", queue="beat")
    sender.add_periodic_task(
        crontab(hour=settings.DAILY_SUMMARY_HOUR, minute=0),
        sender.signature("petitions.send_daily_summaries"),
        name="daily summaries",
        queue="beat",
    )


@task_postrun.connect
def retire_old_database_connections(**kwargs) -> None:
    """With connections reused across tasks, drop the ones past CONN_MAX_AGE or broken, as Django
    does at the end of each web request."""
    from django.db import close_old_connections

    close_old_connections()
