"""A logging filter that keeps signer emails and IP addresses out of every log line."""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")


def scrub(text: str) -> str:
    return IPV6.sub("[ip]", IPV4.sub("[ip]", EMAIL.sub("[email]", text)))


class ScrubPersonalData(logging.Filter):
    """Rewrites the formatted message; arguments are folded in first so none escape the scrub."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True
