"""A real SMTP server for the integration suite: records what arrives, answers as each test says.

The worker talks to it over a loopback socket exactly as it would talk to a provider's relay, so
every assertion is on bytes that really crossed an SMTP conversation.

For the fault suite it can also misbehave the ways real servers do: answer 4xx for a while, take
a message and delay saying so (the window in which a sender that dies sends the message again),
hold senders before MAIL FROM, or accept connections and never answer at all. Every wait it
makes is bounded, and a sender that gives up or dies ends its session's wait at once.
"""

import asyncio
import email
import email.message
import email.policy
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ACCEPT = "250 2.0.0 Message accepted"
# 4xx: "not now". Greylisting and rate limits answer this way; the sender is expected to come back.
TRY_AGAIN_LATER = "451 4.7.1 Try again later"
# 5xx: "never". The mailbox does not exist; retrying cannot help.
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox"

# No wait the server makes (a held MAIL FROM, a hung greeting, a delayed reply) lasts longer.
MAX_WAIT_SECONDS = 600.0
_POLL_SECONDS = 0.01


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


@dataclass(frozen=True)
class HungSession:
    """A session the hung server never answered: how long the client waited before giving up."""

    opened: float  # time.monotonic()
    closed: float

    @property
    def seconds(self) -> float:
        return self.closed - self.opened


async def _wait_while(condition, *, limit: float = MAX_WAIT_SECONDS) -> None:
    """Sleep in small steps while condition() holds, at most `limit` seconds. A client that goes
    away cancels the session's task, which ends this wait with CancelledError."""
    deadline = time.monotonic() + limit
    while condition() and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_SECONDS)


class RecordingHandler:
    """aiosmtpd handler: accepts by default; can defer messages (the next N, or all for a while),
    refuse a recipient, delay final replies, hold MAIL FROM, or hang before the greeting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Sessions waiting right now; reset() releases them, and each one counts itself out.
        self._replies_pending = 0
        self._held_at_mail = 0
        self._hanging = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._accepted: list[Received] = []
            self._deferred: list[Received] = []
            self._refused: list[RefusedRecipient] = []
            self._deferrals: deque[str] = deque()
            self._refusals: dict[str, str] = {}
            self._defer_until = 0.0
            self._defer_until_reply = TRY_AGAIN_LATER
            self._reply_delays: deque[float] = deque()
            self._delay_every_reply = 0.0
            self._hold_mail = False
            self._hang = False
            self._slow_replies = 0.0
            self._hung: list[HungSession] = []
            self._sessions = 0

    def defer_next(self, count: int, reply: str = TRY_AGAIN_LATER) -> None:
        """Answer the next `count` messages with a 4xx after DATA, then accept again."""
        with self._lock:
            self._deferrals.extend([reply] * count)

    def refuse_recipient(self, address: str, reply: str = NO_SUCH_MAILBOX) -> None:
        """Answer RCPT TO:<address> with `reply` (a 5xx) for the rest of the test."""
        with self._lock:
            self._refusals[address.lower()] = reply

    def defer_for(self, seconds: float, reply: str = TRY_AGAIN_LATER) -> None:
        """Answer every message with a 4xx after DATA for the next `seconds`, then accept again."""
        with self._lock:
            self._defer_until = time.monotonic() + seconds
            self._defer_until_reply = reply

    def delay_next_replies(self, count: int, seconds: float) -> None:
        """Take the next `count` messages, then wait `seconds` before saying so (250).

        The message counts as received from the end of DATA: a sender that dies during the wait
        never learns that it went, and sends it again. RFC 1047 describes this window; a real
        server keeps it to the length of a network round trip, this one widens it on demand."""
        with self._lock:
            self._reply_delays.extend([seconds] * count)

    def delay_every_reply(self, seconds: float) -> None:
        """Wait `seconds` before the final reply to every message from now on (0: stop)."""
        with self._lock:
            self._delay_every_reply = seconds

    def clear_delays(self) -> None:
        """No more delayed final replies (those already waiting run their course)."""
        with self._lock:
            self._reply_delays.clear()
            self._delay_every_reply = 0.0

    def slow_replies(self, seconds: float) -> None:
        """Wait `seconds` before every reply of every session, the greeting included (0: stop).
        Each wait can stay below the sender's timeout while the whole exchange takes far longer."""
        with self._lock:
            self._slow_replies = seconds

    @property
    def reply_delay(self) -> float:
        return self._slow_replies

    def hold_mail(self, hold: bool) -> None:
        """While held, MAIL FROM gets no answer: a sender there has not handed over anything yet."""
        with self._lock:
            self._hold_mail = hold

    def hang(self, hang: bool) -> None:
        """While hung, the server answers nothing: new connections are accepted and never greeted,
        open sessions get no answer to their next MAIL FROM. False answers them again."""
        with self._lock:
            self._hang = hang

    @property
    def sessions(self) -> int:
        """Connections accepted so far."""
        with self._lock:
            return self._sessions

    @property
    def replies_pending(self) -> int:
        """Messages taken whose final reply has not been sent yet."""
        with self._lock:
            return self._replies_pending

    @property
    def held_at_mail(self) -> int:
        """Sessions waiting now for the answer to their MAIL FROM."""
        with self._lock:
            return self._held_at_mail

    @property
    def hanging(self) -> int:
        """Sessions waiting now for an answer that does not come (a greeting or a MAIL FROM)."""
        with self._lock:
            return self._hanging

    @property
    def hung_sessions(self) -> list[HungSession]:
        """Waits of the hung server that the client ended, with how long each lasted."""
        with self._lock:
            return list(self._hung)

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

    def _count(self, attribute: str, step: int) -> None:
        with self._lock:
            setattr(self, attribute, getattr(self, attribute) + step)

    def session_opened(self) -> None:
        self._count("_sessions", 1)

    async def _wait_while_hung(self) -> None:
        """Give no answer while the server is hung; a client that gives up is recorded."""
        with self._lock:
            if not self._hang:
                return
            self._hanging += 1
        opened = time.monotonic()
        try:
            await _wait_while(lambda: self._hang)
        finally:
            with self._lock:
                self._hanging -= 1
                if self._hang:  # the client gave up (or the wait hit its limit) while hung
                    self._hung.append(HungSession(opened=opened, closed=time.monotonic()))

    async def greet_when_ready(self) -> None:
        """Called before the greeting: a new connection waits while the server is hung."""
        await self._wait_while_hung()

    async def handle_MAIL(self, server, session, envelope, address: str, mail_options: list[str]) -> str:
        # A session opened before the server hung (a sender that keeps its connection) hangs here.
        await self._wait_while_hung()
        if self._hold_mail:
            self._count("_held_at_mail", 1)
            try:
                await _wait_while(lambda: self._hold_mail)
            finally:
                self._count("_held_at_mail", -1)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

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
            if self._deferrals:
                reply = self._deferrals.popleft()
            elif time.monotonic() < self._defer_until:
                reply = self._defer_until_reply
            else:
                reply = ACCEPT
            delay = 0.0
            if reply == ACCEPT:
                delay = self._reply_delays.popleft() if self._reply_delays else self._delay_every_reply
            received = Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                raw=raw,
                message=message,
                reply=reply,
                at=datetime.now(UTC),
            )
            (self._accepted if reply == ACCEPT else self._deferred).append(received)
            if delay:
                self._replies_pending += 1
        if delay:
            try:
                await asyncio.sleep(min(delay, MAX_WAIT_SECONDS))
            finally:
                self._count("_replies_pending", -1)
        return reply


class _FaultySMTP(SMTP):
    """aiosmtpd's SMTP session, with hooks before the greeting (so the server can hang) and before
    every reply (so it can be slow), and a count of the sessions opened."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.event_handler.session_opened()

    async def _handle_client(self) -> None:
        await self.event_handler.greet_when_ready()
        await super()._handle_client()

    async def push(self, status) -> None:
        delay = self.event_handler.reply_delay
        text = status.decode(errors="replace") if isinstance(status, bytes) else status
        if delay and text[3:4] != "-":  # once per reply: before its last line
            await asyncio.sleep(min(delay, MAX_WAIT_SECONDS))
        await super().push(status)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _FaultySMTP(self.handler, **self.SMTP_kwargs)


class SmtpServer:
    """An aiosmtpd Controller on a loopback port with a RecordingHandler."""

    def __init__(self, port: int) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = port
        self._controller = _Controller(self.handler, hostname=self.host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
