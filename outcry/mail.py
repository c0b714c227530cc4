"""The embedded setup's mail backend: each message becomes one .eml file you can open."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    """Writes every message to EMAIL_FILE_PATH/<timestamp>-<uuid>.eml, atomically."""

    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}.eml"
            partial = folder / f".{name}.part"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            os.replace(partial, folder / name)
        return len(email_messages)
