"""Uploaded images (campaign pictures, partner logos) under MEDIA_URL, the same with DEBUG on or off.

Django's static.serve() is not meant for production; this view is the small part of it we need.
It serves an image file under MEDIA_ROOT with a type of our own choosing, never a guess: anything
else (another extension, a directory, a hidden file, a path leading out of MEDIA_ROOT, even through
a link) is a 404. The image is sandboxed (CSP `default-src 'none'; sandbox`) and, like every
response, sent with nosniff, so even a file that is not what its name says can run nothing.
"""

from datetime import UTC, datetime
from pathlib import Path

from csp.constants import NONE
from csp.decorators import csp
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

IMAGE_TYPES = {
    ".avif": "image/avif",
    ".bmp": "image/bmp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
CACHE_SECONDS = 24 * 3600  # an upload keeps its name; a replaced image gets a new one
SANDBOX = {"default-src": [NONE], "frame-ancestors": [NONE], "sandbox": True}


def media_file_path(path: str) -> Path:
    """The image file `path` names under MEDIA_ROOT, or Http404."""
    parts = path.split("/")
    if "\\" in path or "\x00" in path or any(not part or part.startswith(".") for part in parts):
        raise Http404("No such file.")
    root = Path(settings.MEDIA_ROOT).resolve()
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root) or target.suffix.lower() not in IMAGE_TYPES or not target.is_file():
        raise Http404("No such file.")
    return target


def _last_modified(request: HttpRequest, path: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(media_file_path(path).stat().st_mtime, tz=UTC)
    except (Http404, OSError):
        return None


@require_safe
@csp(SANDBOX)
@condition(last_modified_func=_last_modified)
def media_file(request: HttpRequest, path: str) -> FileResponse:
    target = media_file_path(path)
    response = FileResponse(target.open("rb"), content_type=IMAGE_TYPES[target.suffix.lower()])
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
