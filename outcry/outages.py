"""A database that does not answer (a restart, a fail-over, a network blip): a 503 that says so.

Such an error is not a bug in a page but a moment's outage, so nobody gets the 500 page: the
public pages answer 503 with Retry-After, in the visitor's language. The signing views catch it
themselves first, to answer with the form and what was typed in it (petitions/web/views.py).
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from outcry.databases import DATABASE_UNAVAILABLE
from outcry.errors import error_page

RETRY_AFTER_SECONDS = 30
logger = logging.getLogger(__name__)


def unavailable(response: HttpResponse) -> HttpResponse:
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.warning("Database unavailable: %s answered 503", request.path)
        text = _(
            "Our database did not answer just now, so nothing was recorded. Please try again in a minute. "
            "If you were signing, go back: what you typed is still in the form, and sending it twice "
            "does no harm."
        )
        return unavailable(error_page(request, 503, text))
