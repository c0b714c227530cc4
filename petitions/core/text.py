"""Text as it goes into headers, sign-offs and block rules: one line, normalised."""

import contextlib
import ipaddress
import re

from django.utils.translation import gettext as _

from petitions.core.hashing import normalise_email
from petitions.enums import BlockRuleKind

# CR, LF and the Unicode line and paragraph separators would each end a header early.
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")


def one_line(value: str) -> str:
    """A header-safe value: every kind of line break folded to a space."""
    return _LINE_BREAKS.sub(" ", value).strip()


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
