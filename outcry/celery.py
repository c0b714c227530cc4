"""The Celery app: settings under the CELERY_ namespace, tasks autodiscovered, beat's table applied."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun

from outcry.beat import BEAT, BEAT_QUEUE
from outcry.logformat import use_log_format
from outcry.logscrub import scrub_handlers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcry.settings")

app = Celery("outcry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender: Celery, **kwargs) -> None:
    """Beat's schedule from the one table (outcry/beat.py); every entry runs on the "beat" queue."""
    from django.conf import settings  # read when the app is finalised, after Django is set up

    for entry in BEAT:
        sender.add_periodic_task(
            entry.schedule(settings), sender.signature(entry.task), name=entry.label, queue=BEAT_QUEUE
        )


@after_setup_logger.connect
@after_setup_task_logger.connect
def scrub_celery_log_handlers(logger, **kwargs) -> None:
    """Worker and beat replace the root logger's handlers, and the task logger gets its own: each
    gets the scrub filter, on top of the records already scrubbed as they are made, and the JSON
    formatter when LOG_FORMAT asks for it."""
    scrub_handlers(logger)
    use_log_format(logger)


@task_postrun.connect
def retire_old_database_connections(**kwargs) -> None:
    """With connections reused across tasks, drop the ones past CONN_MAX_AGE or broken, as Django
    does at the end of each web request."""
    from django.db import close_old_connections  # Django is set up by the time a task has run

    close_old_connections()
