"""A logging filter that keeps signer emails and IP addresses out of every log line."""

import ipaddress
import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Anything shaped like an IPv6 address, compressed ("2001:db8::1", "::1") or not, with an optional
# zone ("%eth0"); each candidate is checked, so a time of day ("08:45:13") stays as it is.
IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])")


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group().partition("%")[0])
    except ValueError:
        return match.group()
    return "[ip]"


def scrub(text: str) -> str:
    return IPV6_CANDIDATE.sub(_ipv6, IPV4.sub("[ip]", EMAIL.sub("[email]", text)))


class ScrubPersonalData(logging.Filter):
    """Rewrites the formatted message; arguments are folded in first so none escape the scrub."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True
