"""One mail connection per worker process, reused from letter to letter.

Opening an SMTP session (TCP, EHLO, STARTTLS, AUTH) costs more than sending a letter through it,
and a provider's HTTP backend likewise keeps its session open. Celery's prefork workers run one
task at a time per process, so a module-level connection is never shared between two sends.
A connection the server has closed while idle is replaced once, at once.
"""

import logging
import smtplib

from django.core.mail import EmailMessage, get_connection
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

_connection = None


def send(message: EmailMessage) -> None:
    """Send through this process's open connection; raise whatever the server said."""
    try:
        _send_once(message)
    except smtplib.SMTPServerDisconnected:
        # The server dropped the idle session between two letters: nothing was sent, try a new one.
        reset()
        _send_once(message)


def _send_once(message: EmailMessage) -> None:
    global _connection
    if _connection is None:
        _connection = get_connection()
        _connection.open()
    try:
        _connection.send_messages([message])
    except Exception:
        reset()  # a session in an unknown state is never reused
        raise


def reset() -> None:
    """Close and forget this process's connection (after an error, or when the process ends)."""
    global _connection
    connection, _connection = _connection, None
    if connection is not None:
        try:
            connection.close()
        except Exception as exc:  # noqa: BLE001 - closing a broken session may fail in any way
            logger.debug("Closing the mail connection failed: %s", exc)


@receiver(setting_changed, dispatch_uid="petitions.mail.transport.reset_on_email_settings")
def _email_settings_changed(setting: str, **kwargs) -> None:
    if setting.startswith("EMAIL_"):
        reset()
