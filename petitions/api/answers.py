"""How the API answers: whole JSON bodies kept in the shared cache, ETags, CORS for GET, the limit.

A body is made once per API_CACHE_SECONDS and kept in the Django cache (Redis, shared by every
process), so a client polling a viral campaign costs a cache lookup. Its ETag is a hash of the body:
a client that sends it back in If-None-Match gets a 304 without the body. The figures behind it are
cached where they are counted (petitions/reporting/), so an expired body is quick to make again.

The API is not a @shared_response (outcry/sharedcache.py): that layer answers before Django, so it
would skip the per-address limit and answer If-None-Match with the whole body.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from ninja import NinjaAPI
from ninja.throttling import BaseThrottle

from petitions.abuse.api_limit import api_wait_seconds
from petitions.core.hashing import client_ip

CONTENT_TYPE = "application/json; charset=utf-8"
READS = ("GET", "HEAD")
URI_TOO_LONG = "URI Too Long: the web server refuses the request before the API reads it (not JSON)."


def open_to_every_origin(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Any site may read a GET answer (the data is public); nothing else is opened. The language is
    a query parameter, never the cookie or Accept-Language, so the answer does not vary on them."""
    if request.method in READS:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    response.same_in_every_language = True  # outcry/languages.py adds no Vary for it
    return response


def kept_answer(request: HttpRequest, key: str, make: Callable[[], bytes]) -> HttpResponse:
    """The body under `key` (made by `make` when none is kept), with its ETag: a 304 when the
    client already holds it."""
    body = cache.get(key)
    if body is None:
        body = make()
        cache.set(key, body, settings.API_CACHE_SECONDS)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
    response = get_conditional_response(request, etag=response["ETag"], response=response)
    return open_to_every_origin(request, response)


class PerAddress(BaseThrottle):
    """API_REQUESTS_PER_MINUTE per network address (a keyed hash of it: petitions/abuse/api_limit.py).
    The wait is kept on the request, not on this object, which every thread shares."""

    def allow_request(self, request: HttpRequest) -> bool:
        request.api_wait_seconds = api_wait_seconds(client_ip(request))
        return not request.api_wait_seconds


class PublicAPI(NinjaAPI):
    """NinjaAPI whose every answer, errors included, is open to every origin for GET, and whose
    429 says when to try again."""

    def create_response(self, request: HttpRequest, data, *, status=None, temporal_response=None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if response.status_code == 429 and getattr(request, "api_wait_seconds", 0):
            response["Retry-After"] = str(request.api_wait_seconds)
        return open_to_every_origin(request, response)

    def get_openapi_schema(self, *args, **kwargs) -> dict:
        """The schema, with the one answer that comes from in front of the app: a request line
        longer than the web server takes (gunicorn: 4,094 bytes) is refused before it is read."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("414", {"description": URI_TOO_LONG})
        return schema


def open_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its docs page, readable from any origin like the rest of the API."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return open_to_every_origin(request, view(request, *args, **kwargs))

    return wrapped
