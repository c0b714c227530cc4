"""Text as it goes into headers, sign-offs and block rules: one line, normalised."""

import contextlib
import ipaddress
import re
import unicodedata

from django.utils.translation import gettext as _

from petitions.core.hashing import normalise_email
from petitions.enums import BlockRuleKind

# CR, LF and the Unicode line and paragraph separators would each end a header early.
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")


def one_line(value: str) -> str:
    """A header-safe value: every kind of line break folded to a space."""
    return _LINE_BREAKS.sub(" ", value).strip()


# Anything with an @ in it (local@domain, @handle, a bare "user@"), and RFC 2047 encoded words
# (=?utf-8?b?...?=) that a mail client would decode into one.
_ADDRESS_LIKE = re.compile(r"\S*@\S*")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[a-z]\?[^?\s]*\?=|=\?|\?=", re.IGNORECASE)
_ADDRESS_PUNCTUATION = re.compile(r'["<>@\\]')
DISPLAY_NAME_MAX_LENGTH = 64


def header_display_name(name: str, *, max_length: int = DISPLAY_NAME_MAX_LENGTH) -> str:
    """`name` made fit to stand before an address in From or To: a name, never something a mail
    client could show as another address. Compatibility forms are folded first (a full-width @ is an
    @), then every control and invisible format character goes (U+202E reversing text, zero-width
    joiners and spaces, BOM), then anything shaped like an address, encoded words and the characters
    `"<>@\\`. Letters of every script stay. Empty if nothing is left: the caller picks a fallback."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(" " if char.isspace() else char for char in text)  # line breaks and tabs too
    text = "".join(char for char in text if not unicodedata.category(char).startswith("C"))
    text = _ENCODED_WORD.sub(" ", _ADDRESS_LIKE.sub(" ", text))
    text = " ".join(_ADDRESS_PUNCTUATION.sub(" ", text).split())
    return text[:max_length].rstrip()


def normalise_rule_value(kind: str, value: str) -> str:
    """The spelling a rule is stored and matched in; ValueError with a message for the admin form."""
    value = value.strip()
    if kind == BlockRuleKind.EMAIL:
        if "@" not in value:
            raise ValueError(_("Write a whole email address, e.g. name@example.org."))
        return normalise_email(value)
    if kind == BlockRuleKind.DOMAIN:
        domain = value.removeprefix("@").lower()
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
        if "." not in domain or "@" in domain or " " in domain:
            raise ValueError(_("Write a domain, e.g. example.org."))
        return domain
    if kind == BlockRuleKind.NETWORK:
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(_("Write an IP address or a network, e.g. 203.0.113.0/24.")) from None
    raise ValueError(_("Unknown kind of rule."))
