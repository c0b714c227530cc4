"""/healthz: an answer within a second, whatever hangs, saying what is degraded.

200 while signatures can be taken (the database answers), 503 when they cannot. A broker or abuse
store that does not answer makes the status "degraded", not a 503: signing goes on without them
(letters wait for the sweeper, the Redis abuse limits fail open), so a load balancer must not take
the web servers away for it.

The checks run at once, each in a thread of its own with short timeouts, and the answer waits for
them at most DEADLINE_SECONDS: a check still running then is reported unavailable. A check that
hangs keeps its thread, and the next probe waits on that same run instead of starting another, so
a hung service never piles up threads or connections.
"""

import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

from outcry.celery import app as celery_app

DEADLINE_SECONDS = 0.7  # the promise is a second: room for the request itself on a busy machine
SOCKET_TIMEOUT_SECONDS = 0.5
OK, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not configured"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # no request ends in this thread to close it
    return OK


def _broker() -> str:
    timeout = SOCKET_TIMEOUT_SECONDS
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with celery_app.connection_for_write(connect_timeout=timeout, transport_options=options) as conn:
        conn.ensure_connection(max_retries=0)  # one try: a retry waits 2 s first
    return OK


def _abuse_store() -> str:
    """Without ABUSE_REDIS_URL the counters live in each process's cache (the embedded setup)."""
    if not settings.ABUSE_REDIS_URL:
        return NOT_CONFIGURED
    timeout = SOCKET_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.ABUSE_REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )
    with client:
        client.ping()
    return OK


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "broker": _broker, "abuse_store": _abuse_store}
_lock = threading.Lock()
_running: dict[str, Future] = {}


@functools.cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")


def _after_fork() -> None:
    _executor.cache_clear()
    _running.clear()


os.register_at_fork(after_in_child=_after_fork)


def _start(name: str) -> Future:
    """The check's run in progress if it has not finished yet (it hangs), else a new one."""
    with _lock:
        future = _running.get(name)
        if future is None or future.done():
            future = _running[name] = _executor().submit(CHECKS[name])
        return future


def _outcome(future: Future) -> str:
    if not future.done() or future.exception() is not None:
        return UNAVAILABLE
    return future.result()


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    futures = {name: _start(name) for name in CHECKS}
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    checks = {name: _outcome(future) for name, future in futures.items()}
    if checks["database"] != OK:
        status = UNAVAILABLE
    elif all(value in {OK, NOT_CONFIGURED} for value in checks.values()):
        status = OK
    else:
        status = "degraded"
    return JsonResponse({"status": status, **checks}, status=503 if status == UNAVAILABLE else 200)
