"""Beat's one table: what is scheduled is what is routed to the beat queue, and each task exists."""

import pytest
from celery import Celery
from django.conf import settings

from outcry.beat import BEAT, BEAT_QUEUE
from outcry.celery import app, schedule_periodic_tasks

pytestmark = pytest.mark.unit


def test_every_scheduled_task_is_routed_to_the_beat_queue_and_nothing_else_is():
    schedule_only = Celery("schedule-only")
    schedule_periodic_tasks(schedule_only)

    scheduled = {entry["task"] for entry in schedule_only.conf.beat_schedule.values()}
    routed = {task for task, route in settings.CELERY_TASK_ROUTES.items() if route == {"queue": BEAT_QUEUE}}
    assert scheduled == routed == {entry.task for entry in BEAT}
    assert all(entry["options"]["queue"] == BEAT_QUEUE for entry in schedule_only.conf.beat_schedule.values())


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()

    missing = {entry.task for entry in BEAT} - set(app.tasks)

    assert not missing


def test_admin_sign_in_records_are_forgotten_on_a_schedule():
    [entry] = [entry for entry in BEAT if entry.task == "petitions.forget_sign_in_records"]

    assert 0 < entry.schedule(settings) <= 86400


def test_confirmation_emails_lost_with_the_broker_are_swept_like_letters():
    [entry] = [entry for entry in BEAT if entry.task == "petitions.sweep_confirmations"]

    assert entry.schedule(settings) == settings.SWEEP_INTERVAL_SECONDS
