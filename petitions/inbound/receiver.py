"""The inbound mail receiver: an SMTP (or LMTP) server for the addresses of our own letters.

Every letter carries a VERP bounce address and a reply address of its own (petitions/mail/
addresses.py); the inbound domain's MX (or a local Postfix transport) hands their mail to this
server, started by `manage.py receive_mail`. It takes a recipient only if it is such an address with
a valid tag, and refuses every other with 550: it is neither an open relay nor a place to drop spam.
Each message is passed, per recipient, to the handler of its address's kind (HANDLERS).

A message is never lost silently: a handler that fails (the database is away) answers 451, and
the sending server tries again later. The database work runs in a thread, off the server's loop.
What is logged is the kind, the letter's id and the outcome: never an address.
"""

import asyncio
import logging

from django.conf import settings
from django.db import close_old_connections, connections

from petitions.mail.addresses import BOUNCE, REPLY, LetterAddress, letter_of
from petitions.responses.intake import receive_reply
from petitions.tracking.bounces import receive_bounce

logger = logging.getLogger(__name__)

# One line per kind of address: what is done with a message sent to it.
HANDLERS = {
    BOUNCE: lambda named, address, raw: receive_bounce(address, raw),
    REPLY: lambda named, address, raw: receive_reply(named.delivery_id, raw),
}

NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
ACCEPTED = "250 2.0.0 Received"
TRY_AGAIN = "451 4.3.0 The message could not be stored now; try again later"


def handle(named: LetterAddress, address: str, raw: bytes) -> str:
    """Run one recipient's handler with a usable database connection (in a worker thread)."""
    close_old_connections()
    try:
        return HANDLERS[named.kind](named, address, raw)
    finally:
        connections.close_all()  # this thread's own: bounces and replies are too rare to keep one open


class LetterMailHandler:
    """aiosmtpd's handler: RCPT checks the address, DATA hands the message to its handlers."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        named = letter_of(address)
        if named is None or named.kind not in HANDLERS:
            return NO_SUCH_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        for address in envelope.rcpt_tos:
            named = letter_of(address)
            try:
                outcome = await asyncio.to_thread(handle, named, address, raw)
            except Exception:
                logger.exception("A %s for letter %s was not stored: asked to retry", named.kind, named.delivery_id)
                return TRY_AGAIN
            logger.info("A %s for letter %s: %s", named.kind, named.delivery_id, outcome)
        return ACCEPTED


def make_controller(*, host: str | None = None, port: int | None = None, lmtp: bool = False):
    """The server, not started: on INBOUND_MAIL_HOST:INBOUND_MAIL_PORT unless told otherwise."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.lmtp import LMTP

    host = host or settings.INBOUND_MAIL_HOST
    port = settings.INBOUND_MAIL_PORT if port is None else port
    limit = settings.INBOUND_MAIL_MAX_BYTES

    class LetterMailController(Controller):
        def factory(self):
            if lmtp:
                return LMTP(self.handler, data_size_limit=limit, enable_SMTPUTF8=True)
            return super().factory()

    return LetterMailController(
        LetterMailHandler(),
        hostname=host,
        port=port,
        server_hostname=settings.INBOUND_MAIL_DOMAIN or None,
        data_size_limit=limit,
        enable_SMTPUTF8=True,
    )
