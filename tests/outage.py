"""A real database outage for in-process tests: the connection closed and pointed at a port where
nothing listens, as when the server is down; Django then fails to connect as during a restart."""

import socket
import threading
from contextlib import contextmanager

from django.db import connection


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once the probe closes: nothing listens there


@contextmanager
def database_down(*, back_after: float | None = None):
    """The database unreachable inside the block; with `back_after`, reachable again after that many
    seconds (a restart), the block still running."""
    settings_dict = connection.settings_dict  # this thread's connection, also for the timer
    saved = settings_dict["HOST"], settings_dict["PORT"]

    def restore():
        settings_dict["HOST"], settings_dict["PORT"] = saved

    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", _closed_port()
    timer = threading.Timer(back_after, restore) if back_after is not None else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.cancel()
        connection.close()
        restore()


def restart_database(*, seconds: float) -> threading.Timer:
    """The database goes down now and is back after `seconds`, as in a restart (the caller joins or
    cancels the returned timer; cancelling leaves the database down until restored by hand)."""
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]

    def restore():
        settings_dict["HOST"], settings_dict["PORT"] = saved

    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", _closed_port()
    timer = threading.Timer(seconds, restore)
    timer.restore = restore
    timer.start()
    return timer
