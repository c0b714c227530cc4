"""LOG_FORMAT=json: one JSON object a line, for log shippers, in every process.

Django's LOGGING picks the formatter for the web; Celery's worker and beat, and gunicorn, set up
handlers of their own, and get this formatter where they get the log scrub (outcry/celery.py,
outcry/gunicornlog.py). The scrub has run by the time a line is formatted (outcry/logscrub.py), so
a JSON line holds no address either. The variable is read from the environment, not from Django's
settings: gunicorn's master formats lines before Django is set up.
"""

import json
import logging
import os
from datetime import UTC, datetime

FORMATS = ("plain", "json")


def log_format() -> str:
    """LOG_FORMAT, checked: a typo must not silently change what a log shipper receives."""
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or "plain"
    if value not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def use_log_format(logger: logging.Logger) -> None:
    """With LOG_FORMAT=json, every handler of `logger` writes JSON lines; else nothing changes."""
    if log_format() != "json":
        return
    for handler in logger.handlers:
        if not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())
