"""Gunicorn settings shared by the Outcry app and the reference app.

Both servers are started with ``-c bench/gunicorn.conf.py`` and only differ
in ``--bind`` and the WSGI module, so any difference in the figures comes
from the application code, not from the server.

The machine has 2 cores shared by gunicorn, PostgreSQL, Redis and the load
generator. Django views here are CPU-bound with short database waits, so a
few processes (not threads, which would fight over one GIL) keep both cores
busy while a worker waits on PostgreSQL. Each worker holds one persistent
database connection (CONN_MAX_AGE), so this also bounds connections.
"""

import os

worker_class = os.environ.get("BENCH_GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "2"))

# Requests wait in the listen queue while all workers are busy; the load
# generator's concurrency stays far below this.
backlog = 2048
timeout = 30
graceful_timeout = 5
keepalive = 5

# Heartbeat files on tmpfs: a disk-backed /tmp can stall workers under load.
worker_tmp_dir = "/dev/shm"

# One log line per request would cost CPU on both sides equally; keep errors only.
accesslog = None
loglevel = "warning"
