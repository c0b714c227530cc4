"""Response headers that depend on the page: framing for embeds, no-store for personal pages.

Runs inside django-csp's middleware, so the CSP it builds already sees what is set here.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def personal_page(view):
    """For views that show one person's data (a receipt, a confirmation): never stored by any cache.
    Such pages are reached by a private link: it is not indexed, nor passed on as a Referer to any
    other site. "same-origin", not "no-referrer": with no-referrer the browser sends `Origin: null`
    with the page's own form (confirm, erase), and the CSRF check rightly refuses that."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.personal = True
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """The admin (signers' data), any answer to a form post (it may echo what was typed, an email
    included) and views marked with personal_page."""
    return (
        getattr(response, "personal", False)
        or request.path.startswith(settings.ADMIN_URL_PREFIX)
        or request.method not in SAFE_METHODS
    )


class PageSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Nothing here needs a camera, a microphone, the signer's location or payment.
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(response, "allow_framing", False):
            response._csp_replace = {"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
        if is_personal(request, response):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        if request.method == "HEAD":
            drop_body(response)
        return response


def drop_body(response: HttpResponse) -> None:
    """A HEAD answer carries GET's headers (Content-Length included) and no body: Django's handler
    leaves the body in, and gunicorn logs a warning for every such answer while dropping it."""
    if response.streaming:
        response.streaming_content = []
    else:
        response.content = b""
