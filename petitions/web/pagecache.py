"""Public campaign pages served whole from a per-process cache, with headers any shared cache obeys.

The campaign page, the sharing page and the embed are the same HTML for every visitor of one address
and language: no CSRF token and no cookie (the signing POST is checked by its origin instead,
petitions/web/embedding.py), a form stamp and embed token that say when the page was rendered but
not for whom, and the captcha's challenge fetched by its widget (views.captcha_challenge), never
printed in the page. So each of them is rendered at most once a second per process, address and
language, and a read costs a dict lookup (the body kept plain and gzipped: a phone downloads about
5 kB instead of 24). Within that second every visitor gets the same bytes, stamp included, so the
minimum fill time still measures from at most a second before the page was sent.

Shared caches (a CDN, a proxy) may keep a page PUBLIC_PAGE_CACHE_SECONDS and serve it stale while
they fetch a new one for PUBLIC_PAGE_STALE_SECONDS more; browsers always ask again. An organiser's
edit shows within the campaign cache's few seconds here, and after those bounds behind a shared
cache. Pages reached without a language prefix say `Vary: Accept-Language, Cookie` (the language
comes from the browser or from a remembered choice); prefixed ones vary on nothing but encoding.
"""

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from campaigns.selectors import CampaignPage
from outcry.languages import language_in_path
from outcry.memo import ProcessCache

RENDER_SECONDS = 1
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class StoredPage:
    body: bytes
    gzipped: bytes
    content_type: str


_pages: ProcessCache[StoredPage] = ProcessCache(RENDER_SECONDS)


def cached_page(request: HttpRequest, page: CampaignPage, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page `render()` makes, from this process's cache when it made it less than a second ago."""
    campaign = page.campaign
    key = (request.path, request.META.get("QUERY_STRING", ""), get_language(), campaign.pk, campaign.updated_at)
    stored = _pages.get(key, lambda: _stored(render()))
    gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse(stored.gzipped if gzipped else stored.body, content_type=stored.content_type)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"] if language_in_path(request) else ["Accept-Encoding", "Cookie"])
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.PUBLIC_PAGE_CACHE_SECONDS,
        stale_while_revalidate=settings.PUBLIC_PAGE_STALE_SECONDS,
    )
    return response


def _stored(response: HttpResponse) -> StoredPage:
    if response.status_code != 200 or response.cookies or response.has_header("Vary"):
        # A page that sets a cookie or varies by request would be served to the wrong visitor.
        raise ValueError(f"not a page every visitor may share: {response.status_code}, {response.headers}")
    body = response.content
    return StoredPage(
        body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0), content_type=response["Content-Type"]
    )


def forget_pages() -> None:
    """Drop this process's stored pages (tests; the next read renders)."""
    _pages.clear()
