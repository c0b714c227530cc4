"""Ringing the broker's doorbell: delivery ids to the workers, as cheaply as Celery's protocol allows.

Signing publishes one small message per letter, on the request path of a campaign that may be
signed hundreds of times a second. Celery's apply_async spends about half of its time on options
this project never uses (routing lookups, argument reprs, signals, result bookkeeping). Here the
message is built by Celery's own AMQP.as_task_v2 and published with kombu to the default queue:
the same message apply_async would send, in half the time (0.25 ms against 0.54 ms measured).

A broker that does not answer must not hold the signer's request: publishing has connections of
its own with a short timeout (BROKER_PUBLISH_TIMEOUT_SECONDS) and no retry, and after a failure
this process does not try for REDIS_RETRY_AFTER_SECONDS. The rows are the truth: the sweeper
enqueues what was not published.
"""

import functools
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from kombu import pools

from outcry.celery import app
from petitions.core.breaker import Breaker

logger = logging.getLogger(__name__)

_breaker = Breaker()


class BrokerSkipped(Exception):
    """Not published: the broker failed moments ago, and is not asked again yet."""


@functools.cache
def _producers() -> pools.ProducerPool:
    timeout = settings.BROKER_PUBLISH_TIMEOUT_SECONDS
    connection = app.connection_for_write(
        connect_timeout=timeout,
        # max_retries 0: kombu would otherwise wait 2 s before trying a refused connection again.
        transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0},
    )
    return pools.producers[connection]


os.register_at_fork(after_in_child=_producers.cache_clear)  # kombu closes its pools in a child


def publish_ids(task_name: str, ids: Iterable[int], *, etas: Iterable[datetime | None] | None = None) -> None:
    """Publish task_name(id) for each id on one pooled connection; raises if the broker is
    unreachable, slow or failed moments ago (BrokerSkipped).

    Tasks are named, not imported: petitions/tasks.py sits on top of every layer and nothing imports it.

    etas, if given, holds one start time per id (a worker keeps the message until then): the
    dispatcher's slots, never more than PACING_INTERVAL_SECONDS ahead.
    """
    ids = list(ids)
    etas = list(etas) if etas is not None else [None] * len(ids)
    _publish(task_name, [((object_id,), eta) for object_id, eta in zip(ids, etas, strict=True)])


def publish_batches(task_name: str, ids: Iterable[int], *, per_message: int) -> None:
    """Publish task_name([id, ...]) with up to per_message ids a message, in order; raises as
    publish_ids does. A message costs the worker's main process about as much CPU as sending the
    letter it names (bench/README.md), so letters that go together share one."""
    ids = list(ids)
    _publish(task_name, [((ids[start : start + per_message],), None) for start in range(0, len(ids), per_message)])


def messages_waiting() -> int | None:
    """Messages on the letters' queue that no worker has taken yet; None when the broker cannot
    say at once (down, failed moments ago, or a transport that does not count)."""
    if not _breaker.allow():
        return None
    try:
        with _producers().acquire(block=True, timeout=settings.BROKER_PUBLISH_TIMEOUT_SECONDS) as producer:
            # kombu's own count: Redis removes an empty list, so a passive declare cannot count it.
            size = getattr(producer.channel, "_size", None)
            return None if size is None else int(size(app.amqp.default_queue.name))
    except Exception as exc:  # noqa: BLE001 - any failure: the caller assumes messages may wait
        logger.info("Could not count the broker's waiting messages: %s", type(exc).__name__)
        return None


def _publish(task_name: str, messages: list[tuple[tuple, datetime | None]]) -> None:
    if not _breaker.allow():
        raise BrokerSkipped(f"the broker failed less than {settings.REDIS_RETRY_AFTER_SECONDS}s ago")
    queue = app.amqp.default_queue
    try:
        with _producers().acquire(block=True, timeout=settings.BROKER_PUBLISH_TIMEOUT_SECONDS) as producer:
            for args, eta in messages:
                headers, properties, body, _ = app.amqp.as_task_v2(
                    str(uuid.uuid4()), task_name, args, {}, eta=eta, argsrepr=repr(args), kwargsrepr="{}"
                )
                producer.publish(
                    body,
                    exchange="",
                    routing_key=queue.name,
                    declare=[queue],
                    headers=headers,
                    serializer="json",
                    retry=False,
                    **properties,
                )
    except Exception as exc:
        if _breaker.failed():  # once per outage; the callers log what they left for later
            logger.warning(
                "Broker unavailable (%s); not publishing for %ss at a time until it answers",
                type(exc).__name__,
                settings.REDIS_RETRY_AFTER_SECONDS,
            )
        raise
    if _breaker.succeeded():
        logger.warning("Broker answers again; publishing")
