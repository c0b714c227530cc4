"""What a failed send logs or raises names ids, never an address, even before the log scrub runs."""

import logging
import smtplib

import pytest
from anymail.exceptions import AnymailAPIError

from petitions.mail import errors
from petitions.mail.signer_mail import send_to_signer

pytestmark = pytest.mark.unit

SIGNER = "bounce.marker2@signer-mail.example"


def postfix(code: int, text: str) -> bytes:
    return f"{code // 100}.1.1 <{SIGNER}>: {text}".encode()


class FailingEmail:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def send(self) -> None:
        raise self.error


@pytest.fixture
def raw_records(caplog):
    """Records as the code made them, without the scrub the project installs on every record."""
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    caplog.set_level(logging.INFO, logger="petitions.mail.signer_mail")
    yield caplog
    logging.setLogRecordFactory(factory)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({SIGNER: (550, postfix(550, "Recipient address rejected"))}),
        smtplib.SMTPDataError(451, postfix(451, "Greylisted")),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender refused", "letters@outcry.example.org"),
        AnymailAPIError(f"Invalid 'to' address {SIGNER}"),
        ConnectionRefusedError(f"no route to 203.0.113.9 for {SIGNER}"),
    ],
)
def test_describe_names_no_address(error):
    described = errors.describe(error)

    assert "@" not in described
    assert "203.0.113.9" not in described
    assert described.split(":")[0] in {
        "Recipient refused",
        "SMTP 451",
        "SMTP 553",
        "AnymailAPIError",
        "ConnectionRefusedError",
    }


def test_a_refusal_for_good_is_logged_by_id_and_not_retried(raw_records):
    refusal = smtplib.SMTPRecipientsRefused({SIGNER: (550, postfix(550, "Recipient address rejected"))})

    sent = send_to_signer(FailingEmail(refusal), about="signature 12")

    assert sent is False
    assert [record.getMessage() for record in raw_records.records] == [
        "Email to the signer of signature 12 refused for good: Recipient refused: 550 5.1.1 <[email]>: "
        "Recipient address rejected"
    ]


def test_a_failure_worth_retrying_raises_an_smtp_error_without_the_original(raw_records):
    deferral = smtplib.SMTPRecipientsRefused({SIGNER: (451, postfix(451, "Mailbox busy"))})

    with pytest.raises(errors.MailNotSent) as raised:
        send_to_signer(FailingEmail(deferral), about="letter 7")

    assert isinstance(raised.value, smtplib.SMTPException)  # the signer mail tasks retry these
    assert (
        str(raised.value)
        == "Email to the signer of letter 7 not sent: Recipient refused: 451 4.1.1 <[email]>: Mailbox busy"
    )
    assert raised.value.__suppress_context__  # the traceback does not show the original, address and all
    assert raw_records.records == []


def test_a_bug_is_not_taken_for_a_mail_failure():
    with pytest.raises(KeyError):
        send_to_signer(FailingEmail(KeyError("name")), about="signature 1")
