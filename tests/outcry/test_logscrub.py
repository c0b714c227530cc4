"""The log scrub holds on every handler, whoever set it up, and reaches tracebacks and stacks."""

import io
import json
import logging
import runpy
import smtplib
from pathlib import Path

import pytest
from celery.signals import after_setup_logger, after_setup_task_logger
from gunicorn.config import Config

from outcry import logscrub
from outcry.gunicornlog import ScrubbedLogger

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SIGNER = "bounce.marker2@signer-mail.example"


@pytest.fixture
def bare_logger() -> tuple[logging.Logger, io.StringIO]:
    """A logger with a handler of its own and no filter, as Celery or a library would set one up."""
    logger = logging.getLogger("tests.logscrub.bare")
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, output
    logger.removeHandler(handler)


def refused() -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({SIGNER: (550, f"5.1.1 <{SIGNER}>: Recipient address rejected".encode())})


def test_every_record_of_the_process_is_scrubbed_without_any_filter(bare_logger):
    logger, output = bare_logger

    logger.warning("signer %s from %s", SIGNER, "203.0.113.9")

    assert output.getvalue() == "signer [email] from [ip]\n"


def test_a_traceback_is_scrubbed_with_the_exception_message_in_it(bare_logger):
    logger, output = bare_logger

    try:
        raise refused()
    except smtplib.SMTPRecipientsRefused:
        logger.exception("Receipt failed")

    text = output.getvalue()
    assert "Traceback (most recent call last)" in text
    assert "smtplib.SMTPRecipientsRefused: {'[email]': (550, b'5.1.1 <[email]>: Recipient address rejected')}" in text
    assert "@" not in text


def test_chained_exceptions_and_exceptions_passed_as_exc_info_are_scrubbed(bare_logger):
    logger, output = bare_logger
    try:
        try:
            raise KeyError("203.0.113.9")
        except KeyError as cause:
            raise ValueError(f"Field 'id' expected a number but got {SIGNER!r}") from cause
    except ValueError as exc:
        error = exc

    logger.error(
        "Task petitions.send_receipt[%(id)s] raised unexpected: %(exc)r", {"id": "1", "exc": error}, exc_info=error
    )

    text = output.getvalue()
    assert "raised unexpected: ValueError(\"Field 'id' expected a number but got '[email]'\")" in text
    assert "KeyError: '[ip]'" in text
    assert "direct cause" in text
    assert SIGNER not in text
    assert "203.0.113.9" not in text


def test_the_stack_and_arguments_that_do_not_fit_are_scrubbed_too(bare_logger):
    logger, output = bare_logger

    logger.warning("stack of %s", "carol@example.org", stack_info=True)  # the stack shows this very line
    logger.warning("count %d", SIGNER)

    text = output.getvalue()
    assert "Stack (most recent call last)" in text
    assert "arguments that do not fit the message: ('[email]',)" in text
    assert "@" not in text


def test_the_filter_scrubs_a_record_made_elsewhere():
    try:
        raise refused()
    except smtplib.SMTPRecipientsRefused as exc:
        info = (type(exc), exc, exc.__traceback__)
    record = logging.LogRecord.__new__(logging.LogRecord)
    record.__dict__.update(logging.makeLogRecord({}).__dict__)  # as a socket listener rebuilds one
    record.__dict__.update(msg="to %s", args=(SIGNER,), exc_info=info, exc_text=None)

    logscrub.ScrubPersonalData().filter(record)

    assert record.getMessage() == "to [email]"
    assert record.exc_info is None
    assert "[email]" in record.exc_text
    assert SIGNER not in record.exc_text


def test_installing_again_keeps_one_factory():
    factory = logging.getLogRecordFactory()

    logscrub.install()

    assert logging.getLogRecordFactory() is factory
    assert factory.scrubs_personal_data


@pytest.mark.parametrize("signal", [after_setup_logger, after_setup_task_logger])
def test_celery_handlers_get_the_filter_once(bare_logger, signal):
    logger, _ = bare_logger

    signal.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False)
    signal.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False)

    assert [type(f) for f in logger.handlers[0].filters] == [logscrub.ScrubPersonalData]


def test_gunicorn_logger_scrubs_its_error_and_access_handlers():
    config = Config()
    config.set("accesslog", "-")
    gunicorn_log = ScrubbedLogger(config)
    output = io.StringIO()
    for handler in gunicorn_log.error_log.handlers:
        handler.setStream(output)

    # As gunicorn's workers write it: the address is in the message, not in an argument.
    gunicorn_log.warning(f"Invalid request from ip=203.0.113.9: Invalid HTTP Version: '{SIGNER}'")

    handlers = gunicorn_log.error_log.handlers + gunicorn_log.access_log.handlers
    assert len(handlers) == 2
    assert all(any(isinstance(f, logscrub.ScrubPersonalData) for f in h.filters) for h in handlers)
    assert output.getvalue().endswith("Invalid request from ip=[ip]: Invalid HTTP Version: '[email]'\n")


def test_the_image_starts_gunicorn_with_the_scrubbing_config_and_no_access_log(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the config sets it for gunicorn
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    command = json.loads(next(line for line in dockerfile.splitlines() if line.startswith("CMD "))[4:])
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert not {"--access-logfile", "--logconfig", "--log-config-dict"} & set(command)
    assert config["logger_class"] == "outcry.gunicornlog.ScrubbedLogger"
    assert config["accesslog"] is None
