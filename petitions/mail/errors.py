"""Which sending failures are worth retrying.

SMTP reply codes carry the answer: 4xx means "not now" (greylisting, rate limits, a full queue),
5xx means "never" (no such mailbox, policy refusal). A provider's HTTP API says the same with 429
and 5xx (retry) against other 4xx (fix something first). Network failures and timeouts are always
worth another try: the letter may simply not have left.

What a failure says about itself is not safe to log: smtplib's exceptions carry the recipient, and
servers quote it in their replies ("550 5.1.1 <name@example.org>: Recipient address rejected").
describe() gives the one line that may be logged and stored; MailNotSent carries it in place of
the original exception where one has to be raised.
"""

import enum
import smtplib

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused

from outcry.logscrub import scrub

# What sending an email can raise that is about the mail, not a bug of ours.
MAIL_FAILURES = (OSError, smtplib.SMTPException, AnymailError)


class MailNotSent(smtplib.SMTPException):
    """A send worth trying again, described without addresses (describe()). An SMTPException, so
    the signer mail tasks' retries take it as they took the original."""


class Verdict(enum.Enum):
    RETRY = "retry"
    FAIL = "fail"


def classify(exc: BaseException) -> Verdict:
    if isinstance(exc, AnymailRecipientsRefused):
        return Verdict.FAIL
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None or status == 429 or status >= 500:
            return Verdict.RETRY
        return Verdict.FAIL
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return Verdict.FAIL if codes and all(code >= 500 for code in codes) else Verdict.RETRY
    if isinstance(exc, smtplib.SMTPResponseException):
        return Verdict.FAIL if exc.smtp_code >= 500 else Verdict.RETRY
    # Disconnects, timeouts, refused connections, a misconfigured provider the operator will fix:
    # retrying costs little, and losing a letter is the one thing we must not do.
    return Verdict.RETRY


def describe(exc: BaseException) -> str:
    """A one-line, address-free summary for logs and the delivery's last_error."""
    return scrub(_summary(exc))[:1000]


def _summary(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_text(msg)}" for code, msg in exc.recipients.values())
        return f"Recipient refused: {replies}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
