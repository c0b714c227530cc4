"""Mail backends: the embedded setup's .eml files, and Django's SMTP backend made cheaper per letter."""

import functools
import os
import smtplib
import time
import uuid
from email.utils import formataddr, parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address


class EmlFileBackend(BaseEmailBackend):
    """Writes every message to EMAIL_FILE_PATH/<timestamp>-<uuid>.eml, atomically, with the
    Return-Path a mail server would add on delivery."""

    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}.eml"
            partial = folder / f".{name}.part"
            data = message.message().as_bytes(linesep="\n")
            sender = getattr(message, "envelope_sender", None)
            if sender:  # as the final mail server would write the envelope's sender
                data = f"Return-Path: <{sender}>\n".encode() + data
            partial.write_bytes(data)
            os.replace(partial, folder / name)
        return len(email_messages)


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend (settings.py uses it wherever Django's is configured), except that the
    envelope's addresses are parsed once per mailbox instead of once per letter.

    Django runs every envelope address through the full RFC 5322 parser, a fifth of a letter's
    sending time (bench/README.md), though a campaign's letters go from one sending address to a
    few targets under many signers' names, and SMTP's envelope carries no name at all."""

    def _send(self, email_message) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        # A letter's envelope names the letter (its VERP bounce address); its From stays as written.
        sender = getattr(email_message, "envelope_sender", None) or email_message.from_email
        from_email = envelope_address(sender, encoding)
        recipients = [envelope_address(address, encoding) for address in email_message.recipients()]
        message = email_message.message()
        try:
            self.connection.sendmail(from_email, recipients, message.as_bytes(linesep="\r\n"))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


def envelope_address(address: str, encoding: str) -> str:
    """The mailbox of a From or To header as Django's sanitize_address writes it for the envelope.

    A header written by formataddr (as petitions/mail/outgoing.py writes them all) splits back into
    its name and mailbox with the quick parser, and only the mailbox is parsed in full, once. Any
    other text goes through Django's parser whole, as before, and fails as it would."""
    name, mailbox = parseaddr(address)
    if not mailbox or formataddr((name, mailbox)) != address:
        return sanitize_address(address, encoding)
    return _sanitized_mailbox(mailbox, encoding)


@functools.lru_cache(maxsize=4096)
def _sanitized_mailbox(mailbox: str, encoding: str) -> str:
    return sanitize_address(mailbox, encoding)
