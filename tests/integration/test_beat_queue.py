"""Housekeeping is never stuck behind a backlog of letters: beat's tasks have a queue of their own."""

import pytest
import redis
from django.conf import settings

from outcry.celery import app as celery_app
from petitions.models import CounterShard
from tests.integration.processes import CeleryWorker, wait_until

pytestmark = pytest.mark.integration

BACKLOG = 6000


def test_beat_queue_reconciler_runs_while_thousands_of_letters_wait(
    letter_campaign, private_redis, private_redis_env, tmp_path
):
    CounterShard.objects.create(campaign=letter_campaign, shard=0, signatures=999)
    with celery_app.connection_for_write(private_redis.url) as connection:
        # Letters that no longer exist: each task claims nothing, as after a campaign was cleaned up.
        for delivery_id in range(10_000_000, 10_000_000 + BACKLOG):
            celery_app.send_task("petitions.send_delivery", (delivery_id,), connection=connection)
        celery_app.send_task("petitions.reconcile_counters", connection=connection)
    queues = redis.Redis.from_url(private_redis.url)
    worker = CeleryWorker(env=private_redis_env, workdir=tmp_path / "worker", concurrency=1, beat=False)
    try:
        worker.wait_ready()
        wait_until(
            lambda: CounterShard.objects.filter(campaign=letter_campaign, signatures=999).count() == 0,
            timeout=30,
            what="the reconciler to correct the drifted counter",
        )
        letters_still_waiting = queues.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
    finally:
        worker.stop()

    assert queues.llen("beat") == 0
    assert letters_still_waiting > BACKLOG // 2
