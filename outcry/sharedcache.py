"""Public responses every visitor may share: kept whole for a second per process, and marked so that
any cache in front (a CDN, nginx) may keep them too.

A viral campaign is read thousands of times a second: its page, sharing page, embed and counter are
the same for every visitor of one address and language (no CSRF token, no cookie: see
petitions/web/embedding.py), so a view marks its answer with @shared_response, and SharedResponses,
the outermost layer of the WSGI application (outcry/wsgi.py), keeps the finished response (status,
every header the middleware added, the body plain and gzipped) for MEMORY_SECONDS. A read in that
second is two dict lookups: no Django request, no middleware, no view, no template, no query. The
second is short enough that the page stamp of the abuse defences still measures the fill time from
at most a second before the page was sent.

It is an HTTP cache, not a second copy of Django's rules: the key is the request as it arrived
(scheme, the raw host and forwarding headers, path, query) plus the raw value of every header the
response's own Vary names, so a request is only ever answered with what Django answered for one
exactly like it. A forged Host never gets a 200, so it is never kept; a page whose language comes
from the cookie or Accept-Language varies on them. Accept-Encoding alone is folded to "takes gzip
or not". `?lang=` is a choice that redirects and sets a cookie: it is never looked up.
"""

import gzip
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers

from outcry.languages import LANGUAGE_PARAMETER, language_in_path
from outcry.webmetrics import ROUTE

MEMORY_SECONDS = 1.0
MAX_ENTRIES = 2000  # past this only entries that expired make room (odd query strings count too)
GZIP_FROM_BYTES = 1024  # smaller bodies gain less than the header costs
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SHAREABLE_METHODS = ("GET", "HEAD")
# What a request's address is made of, raw, before Django reads it (get_host, is_secure).
ADDRESS = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)


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
            response.same_in_every_language = not page  # outcry/languages.py adds no Vary for it
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
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    gzipped: bytes | None
    route: str | None  # the URL pattern's name, for outcry/webmetrics.py

    def answer(self, *, gzipped: bool, head: bool) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status line, headers and body for one reader."""
        body = self.gzipped if gzipped and self.gzipped is not None else self.body
        headers = [*self.headers, ("Content-Length", str(len(body)))]
        if body is self.gzipped:
            headers.append(("Content-Encoding", "gzip"))
        return self.status, headers, b"" if head else body


_kept: dict[tuple, Kept] = {}
_varies_on: dict[tuple, tuple[str, ...]] = {}  # an address's Vary, as environ names


class SharedResponses:
    """WSGI middleware around Django: answers from the kept responses, keeps new shared ones."""

    def __init__(self, application: Callable):
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        address = _address(environ)  # as it arrived: Django fills in SCRIPT_NAME when a server left it out
        kept = lookup(environ, address)
        if kept is not None:
            if kept.route:
                environ[ROUTE] = kept.route
            status, headers, body = kept.answer(gzipped=_takes_gzip(environ), head=environ["REQUEST_METHOD"] == "HEAD")
            start_response(status, headers)
            return [body]
        result = self.application(environ, start_response)
        if isinstance(result, HttpResponse):
            keep(environ, result, address)
        return result


def lookup(environ: dict, address: tuple) -> Kept | None:
    """The kept answer to this request (at `address`), if one is fresh."""
    if environ.get("REQUEST_METHOD") not in SHAREABLE_METHODS or _chooses_language(environ):
        return None
    varies_on = _varies_on.get(address)
    if varies_on is None:
        return None
    kept = _kept.get((address, *(environ.get(name) for name in varies_on)))
    return kept if kept is not None and kept.expires > time.monotonic() else None


def keep(environ: dict, response: HttpResponse, address: tuple) -> None:
    """Keep a response its view marked as shared (for `address`), unless it cannot be handed to others."""
    if environ.get("REQUEST_METHOD") != "GET" or not getattr(response, "shared", False):
        return
    if response.status_code != 200 or response.cookies or response.streaming or _chooses_language(environ):
        return
    varies_on = _vary_names(response)
    if varies_on is None:
        return
    now = time.monotonic()
    if len(_kept) >= MAX_ENTRIES and not _made_room(now):
        return  # the entries in use stay; this one is made again next time
    _varies_on[address] = varies_on
    body = response.content
    compress = len(body) >= GZIP_FROM_BYTES and not response.has_header("Content-Encoding")
    _kept[(address, *(environ.get(name) for name in varies_on))] = Kept(
        expires=now + MEMORY_SECONDS,
        status=f"{response.status_code} {response.reason_phrase}",
        headers=[(name, value) for name, value in response.items() if name.lower() != "content-length"],
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0) if compress else None,
        route=environ.get(ROUTE),
    )


def _made_room(now: float) -> bool:
    """Drop what expired, and the Vary of addresses no longer kept (odd query strings would
    otherwise grow it without end); whether there is room now."""
    for key in [key for key, kept in list(_kept.items()) if kept.expires <= now]:
        _kept.pop(key, None)
    still_kept = {key[0] for key in _kept}
    for address in [address for address in list(_varies_on) if address not in still_kept]:
        _varies_on.pop(address, None)
    return len(_kept) < MAX_ENTRIES


def _address(environ: dict) -> tuple:
    return tuple(environ.get(name) for name in ADDRESS)


def forget_responses() -> None:
    """Drop this process's kept responses (the next read goes through the view)."""
    _kept.clear()
    _varies_on.clear()


def _vary_names(response: HttpResponse) -> tuple[str, ...] | None:
    """The environ names of the headers the response varies on (Accept-Encoding aside); None for '*'."""
    names = []
    for header in cc_delim_re.split(response.get("Vary", "")):
        header = header.strip().lower()
        if header == "*":
            return None
        if header and header != "accept-encoding":
            names.append("HTTP_" + header.upper().replace("-", "_"))
    return tuple(sorted(set(names)))


def _takes_gzip(environ: dict) -> bool:
    return bool(ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")))


def _chooses_language(environ: dict) -> bool:
    query = environ.get("QUERY_STRING", "")
    return bool(query) and any(part.partition("=")[0] == LANGUAGE_PARAMETER for part in query.split("&"))
