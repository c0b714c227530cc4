"""The error pages a person sees: branded, in their language, pointing to the live campaigns.

A link cut short in a messenger app lands on the 404, so every error page lists what is open now.
The 500 page must render even when the database is what failed: the list is then left out, and if
the page itself cannot render, a plain one in the same words is sent.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.listing import listed_campaigns

LISTED = 5
logger = logging.getLogger(__name__)


def _texts(status: int) -> tuple[str, str]:
    if status == 404:
        return _("This page does not exist"), _(
            "The link may have been cut short when it was shared, or a private link has expired."
        )
    if status == 403:
        return _("This page is not open to you"), _("Nothing was recorded.")
    if status == 503:
        return _("Back in a moment"), ""
    if status in (400, 411, 413, 415):  # a body refused unread (outcry/bodylimit.py) reads the same
        return _("The form could not be read"), _(
            "The form sent was too large or malformed, so nothing was recorded. Please go back and try "
            "again (with a shorter message, if you wrote one)."
        )
    return _("Something went wrong on our side"), _(
        "Please try again in a moment. If you were signing, go back and send the form again: signing "
        "twice does no harm, it counts once."
    )


def error_page(request: HttpRequest, status: int, text: str = "") -> HttpResponse:
    heading, default_text = _texts(status)
    campaigns = _campaigns_to_offer(request, status)
    context = {"status": status, "heading": heading, "text": text or default_text, "campaigns": campaigns}
    try:
        body = render_to_string("errors/error.html", context, request=request)
    except Exception:  # a broken template layer must still answer in words
        logger.exception("Error page %s could not render", status)
        body = f"<!doctype html><title>{heading}</title><h1>{heading}</h1><p>{context['text']}</p>"
    return HttpResponse(body, status=status)


def _campaigns_to_offer(request: HttpRequest, status: int) -> list:
    """Live campaigns for a signer who got lost; none in the admin, whose organisers are not lost
    but refused or mistaken, and none on a refusal."""
    if status == 403 or request.path.startswith(settings.ADMIN_URL_PREFIX):
        return []
    try:
        return listed_campaigns(get_language(), limit=LISTED)
    except Exception:  # noqa: BLE001 - the database may be what failed; the page goes out without the list
        logger.warning("Error page %s rendered without the campaign list", status)
        return []


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith(settings.API_URL_PREFIX):  # a program asked: it gets JSON, as from the API
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: most often a page left open for days, or a browser
    that refused the cookie. Say what to do; nothing was stored."""
    return error_page(
        request,
        403,
        _(
            "The form's security check had expired, so nothing was recorded. Please go back, reload the "
            "page and send the form again."
        ),
    )
