"""The one message class every email Outcry sends is built with, for two headers Django gets wrong.

- Message-ID: Django names the machine (DNS_NAME, often "localhost"); spam filters count a
  Message-ID on another domain than the sender's against the message. Ours is on the domain of
  DEFAULT_FROM_EMAIL.
- Subject: Django encodes a non-ASCII subject without room for "Subject: ", so the generator folds
  before the first encoded word and the header starts with an empty line; readers then show the
  subject with a leading space. Encoded with the header's name in mind, the first word fits.

Every From is built by `sender()`: the sending address under a display name that cannot pass for
another address (petitions/core/text.py, header_display_name).

Writing the message is also where a letter's sending time went (bench/README.md): the standard
generator folds every header through email.header.Header, even "MIME-Version: 1.0", and for a
multipart message compiles a regular expression over the whole text to choose its boundary. The
messages here write a header that needs no folding or encoding as it is, and carry a random
boundary from the start; the bytes are the standard library's (tests/petitions/mail/test_writing.py).
"""

import re
import secrets
from email.generator import BytesGenerator
from email.header import Header
from email.utils import formataddr, make_msgid, parseaddr
from io import BytesIO
from types import MethodType

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.encoding import punycode

from petitions.core.text import header_display_name


def sending_address() -> str:
    """The address Outcry sends from: DEFAULT_FROM_EMAIL's, with or without a display name."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def sending_domain() -> str:
    """The domain Outcry sends from."""
    return sending_address().rpartition("@")[2] or "outcry.invalid"


def sender(display_name: str = "") -> str:
    """A From header: the sending address under `display_name` made header-safe, or under the
    site's name when nothing of it is left."""
    name = header_display_name(display_name) or header_display_name(settings.SITE_NAME)
    return formataddr((name, sending_address()))


def recipient(display_name: str, address: str) -> str:
    """A To header for an address whose name an organiser typed (a target). A domain in another
    script (президент.рф) is written in its ASCII form, as headers must be."""
    local, _, domain = address.rpartition("@")
    return formataddr((header_display_name(display_name), f"{local}@{punycode(domain)}"))


def message_id() -> str:
    """A new, unique Message-ID on the sending domain."""
    return make_msgid(domain=sending_domain())


# A header value the standard folding would write unchanged: printable ASCII words with single spaces.
PLAIN_HEADER_VALUE = re.compile(r"[!-~]+(?: [!-~]+)*")
MAX_HEADER_LINE = 78  # RFC 5322's recommendation, the standard generator's default


class QuickHeaderGenerator(BytesGenerator):
    """The standard bytes generator, except that a header which fits on one line as plain ASCII is
    written as it is instead of going through Header folding."""

    def _write_headers(self, msg) -> None:
        for name, value in msg.raw_items():
            if (
                isinstance(value, str)
                and len(name) + 2 + len(value) <= MAX_HEADER_LINE
                and PLAIN_HEADER_VALUE.fullmatch(value)
            ):
                self._fp.write(f"{name}: {value}{self._NL}".encode("ascii"))
            else:
                self._fp.write(self.policy.fold_binary(name, value))
        self.write(self._NL)


def _as_bytes(message, unixfrom: bool = False, linesep: str = "\n") -> bytes:
    """Django's as_bytes (no "From " mangling), through QuickHeaderGenerator."""
    out = BytesIO()
    QuickHeaderGenerator(out, mangle_from_=False).flatten(message, unixfrom=unixfrom, linesep=linesep)
    return out.getvalue()


def multipart_boundary() -> str:
    """A boundary no text of ours contains: 128 random bits, in the standard library's style."""
    return "===============" + secrets.token_hex(16) + "=="


class OutgoingEmail(EmailMultiAlternatives):
    """An email with a Message-ID on the sending domain (unless `headers` names one) and a subject
    that decodes to exactly what was given. Without alternatives it is a plain text message."""

    def __init__(self, *args, headers: dict | None = None, **kwargs):
        super().__init__(*args, headers={"Message-ID": message_id(), **(headers or {})}, **kwargs)

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)  # refuses line breaks in headers, as always
        subject = str(self.subject)
        if not subject.isascii():
            charset = self.encoding or settings.DEFAULT_CHARSET
            message.replace_header("Subject", Header(subject, charset, header_name="Subject"))
        if message.is_multipart():
            message.set_boundary(multipart_boundary())
        message.as_bytes = MethodType(_as_bytes, message)
        return message
