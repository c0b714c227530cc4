"""Request bodies outside the admin: refused by their headers, before anything reads them.

DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields, not files: without this, the first view to touch
request.POST (the CSRF-exempt embed included) would read a multipart body of any size to the end.
A signing form is a few kilobytes and no public page takes a file, so outside ADMIN_URL_PREFIX:

- a declared length above PUBLIC_MAX_BODY_BYTES is refused with 413 (provider webhooks, which
  batch events, get DATA_UPLOAD_MAX_MEMORY_SIZE instead);
- a body without a length (chunked) is refused with 411, and a malformed length with 400;
- a multipart body within the limit is parsed here with a handler that keeps no file: one that
  carries a file is refused with 415. (Our forms send no multipart, but a form without files may.)

Django reads no more than the declared length, so nothing public ever reads more than its limit.
The admin keeps Django's own limits and its uploads (campaign images).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse

from outcry.errors import error_page

WEBHOOK_PREFIX = "/anymail/"


def body_limit(path: str) -> int:
    if path.startswith(WEBHOOK_PREFIX):
        return max(settings.PUBLIC_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return settings.PUBLIC_MAX_BODY_BYTES


def refusal(request: HttpRequest) -> int | None:
    """The status to refuse this request's body with, read from its headers alone; None to let it in."""
    meta = request.META
    if meta.get("HTTP_TRANSFER_ENCODING"):
        return 411
    declared = str(meta.get("CONTENT_LENGTH") or "0").strip()
    if not (declared.isascii() and declared.isdigit()):
        return 400
    if int(declared) > body_limit(request.path_info):
        return 413
    return None


class FileRefusal(FileUploadHandler):
    """Skips every file part of a multipart body, noting that there was one."""

    carried_a_file = False

    def new_file(self, *args, **kwargs):
        self.carried_a_file = True
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def carries_a_file(request: HttpRequest) -> bool:
    """Parses a multipart body (already known to be within its limit) keeping no file."""
    handler = FileRefusal(request)
    request.upload_handlers = [handler]
    request.POST  # noqa: B018 - parsed now, so the view sees the fields and no file
    return handler.carried_a_file


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            status = refusal(request)
            if status is None and request.content_type.lower() == "multipart/form-data" and carries_a_file(request):
                status = 415
            if status is not None:
                return error_page(request, status)
        return self.get_response(request)
