"""What a database that does not answer raises: a restart, a fail-over, a network blip.

psycopg2's connection errors reach Django code as these two; a wrong query raises others
(ProgrammingError, IntegrityError, DataError), which are bugs or conflicts, never an outage.
"""

import time

from django.db import InterfaceError, OperationalError, connection

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def wait_for_database(*, longest_seconds: float, pause_seconds: tuple[float, float] = (0.5, 5.0)) -> bool:
    """Block until the database answers again, trying on a new connection with growing pauses;
    False if it has not answered within `longest_seconds`.

    For a worker: while it waits it takes no new message, so the queue keeps the letters instead of
    the worker consuming each in a failed attempt (which would leave them to the sweeper)."""
    deadline = time.monotonic() + longest_seconds
    pause, longest_pause = pause_seconds
    while True:
        connection.close()
        try:
            connection.ensure_connection()
        except DATABASE_UNAVAILABLE:
            if time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, longest_pause)
        else:
            return True
