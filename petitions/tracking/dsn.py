"""Reading bounce messages that arrive by plain SMTP, without a provider's webhook.

A receiving server reports a failed letter to its envelope sender, our VERP bounce address, so the
address already says which letter it was. What this module reads from the message itself is what
happened: a hard bounce (the mailbox does not exist; the letter leaves the count), a soft bounce (a
full mailbox, a temporary refusal), a delay (still trying: not a bounce), or no bounce at all (an
out-of-office reply). RFC 3464 reports are read field by field; the common non-standard formats
(qmail, Exim, Exchange, Gmail, plain "550" texts) by their wording.
"""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from petitions.mail.addresses import BOUNCE, letter_of
from petitions.models import Delivery

HARD, SOFT, DELAYED, NOT_BOUNCE = "hard", "soft", "delayed", "not a bounce"

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_CODE = re.compile(r"(?:^\s*|said:\s*|returned ')([245])\d\d(?=[\s-])", re.MULTILINE)
_ADDRESS = re.compile(r"<?([^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+?)>?[.:]?(?=[\s,;]|$)")
_AUTO_REPLY = re.compile(r"out of (the )?office|auto(matic)?[- ]?reply|abwesenheit|vacation", re.IGNORECASE)
_NON_STANDARD = (
    re.compile(r"This is the qmail-send program", re.IGNORECASE),
    re.compile(r"created automatically by mail delivery software", re.IGNORECASE),
    re.compile(r"Delivery has failed to these recipients|couldn't be delivered|could not be delivered", re.I),
    re.compile(r"Address not found|wasn't delivered to|was not delivered to", re.IGNORECASE),
    re.compile(r"Undeliver|Delivery Status Notification|Mail delivery failed|returned mail", re.IGNORECASE),
)
_HARD_WORDS = re.compile(
    r"user unknown|no such user|does not exist|doesn't exist|not found|unknown user|"
    r"mailbox unavailable|no mailbox|invalid recipient|recipient rejected|address rejected",
    re.IGNORECASE,
)
_SOFT_WORDS = re.compile(r"mailbox full|quota|over quota|try again later|temporar", re.IGNORECASE)


@dataclass(frozen=True)
class Bounce:
    """What one bounce message says about one recipient of one of our letters."""

    kind: str
    recipient: str = ""
    status: str = ""
    diagnostic: str = ""
    message_id: str = ""

    @property
    def is_bounce(self) -> bool:
        return self.kind in (HARD, SOFT)


def parse(raw: bytes) -> list[Bounce]:
    """Every recipient a bounce message reports on; an auto-reply gives one NOT_BOUNCE."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() == "multipart/report":
        reports = _delivery_status(message)
        if reports:
            return reports
    if _is_auto_reply(message):
        return [Bounce(kind=NOT_BOUNCE)]
    return _non_standard(message)


def _is_auto_reply(message: Message) -> bool:
    """A person's automatic answer (out of office), not a server's report. Servers also mark
    their bounces Auto-Submitted, so that header alone says nothing; the sender does."""
    sender = str(message.get("From", "")).lower()
    if "mailer-daemon" in sender or "postmaster" in sender or "mail delivery" in sender:
        return False
    return bool(message.get("X-Autoreply") or message.get("X-Autorespond")) or bool(
        _AUTO_REPLY.search(str(message.get("Subject", "")))
    )


def _returned_message_id(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                found = payload[0].get("Message-ID", "")
            else:
                headers = email.message_from_string(str(payload))
                found = headers.get("Message-ID", "")
            if found:
                return found.strip()
    match = re.search(r"^Message-ID:\s*(<[^>]+>)", _text(message), re.IGNORECASE | re.MULTILINE)
    return match[1] if match else ""


def _delivery_status(message: Message) -> list[Bounce]:
    message_id = _returned_message_id(message)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if not isinstance(payload, list):
            payload = [email.message_from_string(block) for block in str(payload).split("\n\n")]
        blocks = payload
        for block in blocks:
            action = (block.get("Action") or "").strip().lower()
            if not action:
                continue
            recipient = (block.get("Final-Recipient") or block.get("Original-Recipient") or "").rpartition(";")[2]
            status = _status(block.get("Status", ""))
            diagnostic = " ".join((block.get("Diagnostic-Code") or "").rpartition(";")[2].split())
            found.append(Bounce(_kind(action, status), recipient.strip().strip("<>"), status, diagnostic, message_id))
    return found


def _kind(action: str, status: str) -> str:
    if action == "failed":
        return SOFT if status.startswith("4") else HARD
    if action == "delayed":
        return DELAYED
    return NOT_BOUNCE


def _status(text: str) -> str:
    match = _STATUS.search(text or "")
    return ".".join(match.groups()) if match else ""


def _text(message: Message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def _non_standard(message: Message) -> list[Bounce]:
    text = _text(message)
    if not any(pattern.search(text) or pattern.search(str(message.get("Subject", ""))) for pattern in _NON_STANDARD):
        return [Bounce(kind=NOT_BOUNCE)]
    status = _status(text)
    code = _SMTP_CODE.search(text)
    if status:
        kind = SOFT if status.startswith("4") else HARD
    elif code:
        kind = SOFT if code[1] == "4" else HARD
        status = f"{code[1]}.0.0"
    elif _SOFT_WORDS.search(text):
        kind, status = SOFT, "4.0.0"
    elif _HARD_WORDS.search(text):
        kind, status = HARD, "5.0.0"
    else:
        kind, status = SOFT, "4.0.0"
    recipient = _ADDRESS.search(text)
    diagnostic = next((" ".join(line.split()) for line in text.splitlines() if _SMTP_CODE.search(line)), "")
    return [Bounce(kind, recipient[1] if recipient else "", status, diagnostic[:500], _returned_message_id(message))]


def letter_of_bounce(envelope_recipient: str, bounce: Bounce) -> int | None:
    """The delivery a bounce is about: the VERP address it was sent to says so; a server that
    bounced to another address is matched by the returned letter's Message-ID instead."""
    named = letter_of(envelope_recipient)
    if named is not None and named.kind == BOUNCE:
        return named.delivery_id
    if not bounce.message_id:
        return None
    return Delivery.objects.filter(message_id=bounce.message_id).values_list("id", flat=True).first()
