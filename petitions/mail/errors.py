"""Which sending failures are worth retrying.

SMTP reply codes carry the answer: 4xx means "not now" (greylisting, rate limits, a full queue),
5xx means "never" (no such mailbox, policy refusal). A provider's HTTP API says the same with 429
and 5xx (retry) against other 4xx (fix something first). Network failures and timeouts are always
worth another try: the letter may simply not have left.
"""

import enum
import smtplib

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused


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
    """A one-line, recipient-free summary for the delivery's last_error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values())
        return f"Recipient refused: {replies}"[:1000]
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"SMTP {exc.smtp_code}: {message}"[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]
