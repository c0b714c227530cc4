"""gunicorn's settings for Outcry: scrubbed logs, and request metrics from every worker.

The Docker image names this file (--config); gunicorn also reads it by itself when started from
the project directory. Importing outcry installs the scrub on every log record of the master, which
gunicorn's workers inherit when it forks them; the logger class puts the filter on each of
gunicorn's handlers. The access log stays off: even scrubbed, it would record each signer's visit
and the private links they follow.

Each worker process writes its request metrics (outcry/webmetrics.py) to files in
PROMETHEUS_MULTIPROC_DIR, so a scrape answered by any worker reports all of them. It must be set
before prometheus_client is first imported, hence here: an operator's own folder if the
environment names one, else a new temporary folder. Either is emptied when gunicorn starts, as
figures of an earlier run are not this one's.
"""

import os
import shutil
import tempfile
from pathlib import Path

from outcry import logscrub

logscrub.install()

logger_class = "outcry.gunicornlog.ScrubbedLogger"
accesslog = None

OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
METRICS_DIR = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="outcry-metrics-"))
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)


def on_starting(server) -> None:
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for leftover in METRICS_DIR.glob("*.db"):
        leftover.unlink()


def on_exit(server) -> None:
    if OWN_METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
