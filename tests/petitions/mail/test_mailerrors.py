import smtplib

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

from petitions.mail.errors import Verdict, classify

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (smtplib.SMTPDataError(451, b"Try later"), Verdict.RETRY),
        (smtplib.SMTPDataError(554, b"Rejected"), Verdict.FAIL),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"No such user")}), Verdict.FAIL),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (450, b"Mailbox busy")}), Verdict.RETRY),
        (smtplib.SMTPServerDisconnected("gone"), Verdict.RETRY),
        (TimeoutError("timed out"), Verdict.RETRY),
        (ConnectionRefusedError(), Verdict.RETRY),
        (AnymailRecipientsRefused("refused"), Verdict.FAIL),
        (AnymailAPIError("rate limited", status_code=429), Verdict.RETRY),
        (AnymailAPIError("server error", status_code=503), Verdict.RETRY),
        (AnymailAPIError("bad request", status_code=400), Verdict.FAIL),
    ],
)
def test_classify_decides_retry_or_fail(error, verdict):
    assert classify(error) is verdict
