"""A real SMTP server for the integration suite: records what arrives, answers as each test says.

The worker talks to it over a loopback socket exactly as it would talk to a provider's relay, so
every assertion is on bytes that really crossed an SMTP conversation.
"""

import email
import email.message
import email.policy
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from aiosmtpd.controller import Controller

ACCEPT = "250 2.0.0 Message accepted"
# 4xx: "not now". Greylisting and rate limits answer this way; the sender is expected to come back.
TRY_AGAIN_LATER = "451 4.7.1 Try again later"
# 5xx: "never". The mailbox does not exist; retrying cannot help.
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox"


@dataclass(frozen=True)
class Received:
    """One message as the server saw it: the envelope, the raw DATA and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: email.message.EmailMessage
    reply: str
    at: datetime


@dataclass(frozen=True)
class RefusedRecipient:
    address: str
    reply: str
    at: datetime


class RecordingHandler:
    """aiosmtpd handler: accepts by default; can defer the next N messages or refuse a recipient."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._accepted: list[Received] = []
            self._deferred: list[Received] = []
            self._refused: list[RefusedRecipient] = []
            self._deferrals: deque[str] = deque()
            self._refusals: dict[str, str] = {}

    def defer_next(self, count: int, reply: str = TRY_AGAIN_LATER) -> None:
        """Answer the next `count` messages with a 4xx after DATA, then accept again."""
        with self._lock:
            self._deferrals.extend([reply] * count)

    def refuse_recipient(self, address: str, reply: str = NO_SUCH_MAILBOX) -> None:
        """Answer RCPT TO:<address> with `reply` (a 5xx) for the rest of the test."""
        with self._lock:
            self._refusals[address.lower()] = reply

    @property
    def messages(self) -> list[Received]:
        """Accepted messages, in arrival order."""
        with self._lock:
            return list(self._accepted)

    @property
    def deferred(self) -> list[Received]:
        """Messages that were answered with a 4xx and not accepted."""
        with self._lock:
            return list(self._deferred)

    @property
    def refused(self) -> list[RefusedRecipient]:
        """RCPT TO commands that were answered with a 5xx."""
        with self._lock:
            return list(self._refused)

    def wait_for_messages(self, count: int, *, timeout: float = 20.0, then_quiet_for: float = 0.0) -> list[Received]:
        """Every accepted message once at least `count` arrived, after `then_quiet_for` seconds more.

        The quiet period is what lets a test say "exactly one": a duplicate would arrive within a
        few sweeper intervals, so the caller compares the length of the returned list.
        """
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.messages)} of {count} message(s) arrived within {timeout:.0f}s "
                    f"(deferred: {len(self.deferred)}, refused recipients: {len(self.refused)})"
                )
            time.sleep(0.05)
        time.sleep(then_quiet_for)
        return self.messages

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options: list[str]) -> str:
        with self._lock:
            reply = self._refusals.get(address.lower())
            if reply:
                self._refused.append(RefusedRecipient(address=address, reply=reply, at=datetime.now(UTC)))
                return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = bytes(envelope.original_content)
        # SMTP carries CRLF line endings; the parsed message is read in Python's text form.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        with self._lock:
            reply = self._deferrals.popleft() if self._deferrals else ACCEPT
            received = Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                raw=raw,
                message=message,
                reply=reply,
                at=datetime.now(UTC),
            )
            (self._accepted if reply == ACCEPT else self._deferred).append(received)
        return reply


class SmtpServer:
    """An aiosmtpd Controller on a loopback port with a RecordingHandler."""

    def __init__(self, port: int) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = port
        self._controller = Controller(self.handler, hostname=self.host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
