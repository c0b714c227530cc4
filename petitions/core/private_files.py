"""Uploads that may show signers' names (scans of paper sheets), stored where no public URL reaches.

MEDIA_ROOT is served to anyone at /media/ (outcry/media.py, or a proxy in front): a scan kept
there would be one guessed name away from the public. These files live under PRIVATE_MEDIA_ROOT
instead, and their URL is an admin view that answers only the campaign's organisers
(petitions/admin/paper.py).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class PrivateFileStorage(FileSystemStorage):
    # Read from the settings on each use (not once at import), so a test's or an operator's
    # PRIVATE_MEDIA_ROOT is the one written to.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        return reverse("admin:petitions_paperbatch_scan", args=[name])


def private_storage() -> PrivateFileStorage:
    return PrivateFileStorage()
