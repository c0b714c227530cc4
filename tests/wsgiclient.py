"""A test client whose requests pass through the app's outer WSGI layers, as gunicorn's do.

Django's test client calls the handler directly, under outcry/wsgi.py's RequestMetrics and
SharedResponses: a test of the responses every visitor shares (outcry/sharedcache.py), or of the
request metrics (outcry/webmetrics.py), needs those layers in the path.
"""

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from outcry.sharedcache import SharedResponses
from outcry.webmetrics import RequestMetrics


class _ThroughOuterLayers(ClientHandler):
    def __call__(self, environ: dict) -> HttpResponse:
        started = {}

        def start_response(status: str, headers: list, exc_info=None) -> None:
            started.update(status=status, headers=headers)

        def django(environ: dict, start_response) -> HttpResponse:
            response = super(_ThroughOuterLayers, self).__call__(environ)
            start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
            return response

        result = RequestMetrics(SharedResponses(django))(environ, start_response)
        if isinstance(result, HttpResponse):
            return result  # made by Django just now
        response = HttpResponse(
            b"".join(result), status=int(started["status"].split()[0]), headers=dict(started["headers"])
        )
        response.wsgi_request = WSGIRequest(environ)
        return response


class WSGIClient(Client):
    def __init__(self, enforce_csrf_checks: bool = False, **defaults):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = _ThroughOuterLayers(enforce_csrf_checks)
