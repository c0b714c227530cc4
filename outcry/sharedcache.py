"""Public responses every visitor may share: kept whole for a second per process, and marked so that
any cache in front (a CDN, nginx) may keep them too.

A viral campaign is read thousands of times a second: its page, sharing page, embed and counter are
the same for every visitor of one address and language (no CSRF token, no cookie: see
petitions/web/embedding.py), so a view marks its answer with @shared_response and
SharedResponseMiddleware, just inside WhiteNoise (static files never reach it), keeps the finished response
(every header the inner middleware added, the body plain and gzipped) for MEMORY_SECONDS. A read in
that second is one dict lookup: no middleware, no view, no template, no query. The second is short
enough that the page stamp of the abuse defences still measures the fill time from at most a
second before the page was sent.

The key is what decides the answer: scheme, host (validated, as Django would), path, query, the
language the visitor gets (as LocaleMiddleware picks it: the prefix, else the cookie, else
Accept-Language) and whether the browser takes gzip. `?lang=` is a choice that redirects and sets a
cookie: it is never kept.
"""

import gzip
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_request

from outcry.languages import LANGUAGE_PARAMETER, language_in_path

MEMORY_SECONDS = 1.0
MAX_ENTRIES = 2000  # past this the store starts over (odd query strings count too)
GZIP_FROM_BYTES = 1024  # smaller bodies gain less than the header costs
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SHAREABLE_METHODS = ("GET", "HEAD")


def shared_response(*, browser_seconds: int = 0, page: bool = True):
    """Mark a view's GET answers (200 only) as the same for every visitor. A `page` may be kept by
    shared caches PUBLIC_PAGE_CACHE_SECONDS and served stale while they fetch a new one for
    PUBLIC_PAGE_STALE_SECONDS, and varies with the language; browsers keep it `browser_seconds`
    (0: they ask again). Data that is the same in every language (counter.json) is not a page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if request.method not in SHAREABLE_METHODS or response.status_code != 200:
                return response
            response.shared = True
            shared_caches = (
                {
                    "s_maxage": settings.PUBLIC_PAGE_CACHE_SECONDS,
                    "stale_while_revalidate": settings.PUBLIC_PAGE_STALE_SECONDS,
                }
                if page
                else {}
            )
            patch_cache_control(response, public=True, max_age=browser_seconds, **shared_caches)
            # Pages reached without a language prefix speak the language of the cookie or the browser.
            by_language = page and not language_in_path(request)
            patch_vary_headers(response, ["Accept-Encoding", "Cookie"] if by_language else ["Accept-Encoding"])
            return response

        return wrapped

    return decorator


@dataclass(frozen=True)
class Kept:
    expires: float
    status: int
    headers: dict[str, str]
    body: bytes
    gzipped: bytes | None


_kept: dict[tuple, Kept] = {}


class SharedResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SHAREABLE_METHODS or LANGUAGE_PARAMETER in request.GET:
            return self.get_response(request)
        gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
        key = (
            request.scheme,
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language_from_request(request, check_path=True),
        )
        kept = _kept.get(key)
        if kept is not None and kept.expires > time.monotonic():
            return _answer(kept, gzipped=gzipped, head=request.method == "HEAD")
        response = self.get_response(request)
        if request.method == "GET" and getattr(response, "shared", False) and _keepable(response):
            if len(_kept) >= MAX_ENTRIES:
                _kept.clear()
            kept = _kept[key] = _keep(response)
            if gzipped and kept.gzipped is not None:
                return _answer(kept, gzipped=True, head=False)
        return response


def _keepable(response: HttpResponse) -> bool:
    """A response that set a cookie or is streamed would be wrong, or impossible, to hand to others."""
    return response.status_code == 200 and not response.cookies and not response.streaming


def _keep(response: HttpResponse) -> Kept:
    body = response.content
    compress = len(body) >= GZIP_FROM_BYTES and not response.has_header("Content-Encoding")
    return Kept(
        expires=time.monotonic() + MEMORY_SECONDS,
        status=response.status_code,
        headers=dict(response.items()),
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0) if compress else None,
    )


def _answer(kept: Kept, *, gzipped: bool, head: bool) -> HttpResponse:
    body = kept.gzipped if gzipped and kept.gzipped is not None else kept.body
    response = HttpResponse(b"" if head else body, status=kept.status, headers=kept.headers)
    if body is kept.gzipped:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(body))
    return response


def forget_responses() -> None:
    """Drop this process's kept responses (tests; the next read goes through the view)."""
    _kept.clear()
