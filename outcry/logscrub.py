"""Keeps signer emails and IP addresses out of every log line, in every process.

The scrub works on the records themselves: install() makes every record of the process scrubbed
as it is created, so it holds whoever sets up the handlers afterwards (Django's LOGGING, Celery's
worker and beat, which replace the root logger's handlers, gunicorn, a management command).
outcry/__init__.py installs it before anything can log; gunicorn.conf.py does the same for
gunicorn's master. The filter does the same work on a handler, for records made some other way;
LOGGING, the Celery app and gunicorn's logger put it on each handler they set up.

Scrubbed are the message with its arguments folded in, the formatted traceback (an exception's
message often quotes its recipient: smtplib's SMTPRecipientsRefused does) and the stack.
"""

import ipaddress
import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Anything shaped like an IPv6 address, compressed ("2001:db8::1", "::1") or not, with an optional
# zone ("%eth0"); each candidate is checked, so a time of day ("08:45:13") stays as it is.
IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])")

# Formats tracebacks the way every formatter of the project does (logging's default).
_TRACEBACKS = logging.Formatter()


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group().partition("%")[0])
    except ValueError:
        return match.group()
    return "[ip]"


def scrub(text: str) -> str:
    return IPV6_CANDIDATE.sub(_ipv6, IPV4.sub("[ip]", EMAIL.sub("[email]", text)))


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - logging would print the raw arguments with its own error
        return f"{record.msg} (arguments that do not fit the message: {record.args!r})"


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Scrub the record in place: the message, arguments folded in, and the traceback as text.

    The exception itself is dropped once formatted (exc_text is what formatters print), so no
    formatter can print its unscrubbed message later."""
    record.msg, record.args = scrub(_message(record)), ()
    if record.exc_info:
        record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record


class ScrubPersonalData(logging.Filter):
    """The scrub on a handler: for records that were not made through the installed factory."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def scrub_handlers(logger: logging.Logger) -> None:
    """Put the filter on every handler of `logger` that does not have it yet."""
    for handler in logger.handlers:
        if not any(isinstance(existing, ScrubPersonalData) for existing in handler.filters):
            handler.addFilter(ScrubPersonalData())


def install() -> None:
    """From now on every record this process makes is scrubbed as it is made. Safe to call again."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "scrubs_personal_data", False):
        return

    def scrubbed_record(*args, **kwargs) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs))

    scrubbed_record.scrubs_personal_data = True
    logging.setLogRecordFactory(scrubbed_record)
