"""How the web answers: requests and their durations by route, method and status, for /metrics.

RequestMetrics is the outermost layer of the WSGI application (outcry/wsgi.py), so the answers
kept by outcry/sharedcache.py are counted and timed too. A request is labelled with its URL
pattern's name (RouteMiddleware writes it into the WSGI environ; a kept answer remembers it),
never with its path: paths carry receipt and confirmation tokens, and the pattern names are few.

Under gunicorn the figures of every worker process meet in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets one up), so any worker answering a scrape reports them all. Without it
(runserver, tests, a single process) they are the process's own.
"""

import os
import time
from collections.abc import Callable, Iterable

from django.http import HttpRequest
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

ROUTE = "outcry.route"  # the WSGI environ key of the request's URL pattern name
NO_ROUTE = "unmatched"  # answered before or without a URL pattern: 404s, refusals, redirects
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "outcry_http_requests", "Requests answered, by route, method and status.", ["route", "method", "status"]
)
DURATION = Histogram(
    "outcry_http_request_duration_seconds",
    "Time from a request's arrival to its response (before the body is sent), by route.",
    ["route"],
    buckets=DURATION_BUCKETS,
)


class RouteMiddleware:
    """Writes the URL pattern's name into the WSGI environ, where RequestMetrics reads it."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        if match is not None and match.view_name:
            request.META[ROUTE] = match.view_name


class RequestMetrics:
    """WSGI middleware: counts and times every answer of the application it wraps."""

    def __init__(self, application: Callable):
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        statuses = []

        def recording_start_response(status: str, headers, exc_info=None):
            statuses.append(status[:3])
            return start_response(status, headers, exc_info)

        result = self.application(environ, recording_start_response)
        method = environ.get("REQUEST_METHOD", "")
        key = (environ.get(ROUTE, NO_ROUTE), method if method in METHODS else "other", statuses[-1] if statuses else "")
        series = _series.get(key)
        if series is None:
            series = _series[key] = (REQUESTS.labels(*key), DURATION.labels(key[0]))
        series[0].inc()
        series[1].observe(time.perf_counter() - started)
        return result


# The labelled series by (route, method, status): prometheus_client's labels() costs more than
# the count itself. Bounded: the routes, methods and statuses are few.
_series: dict[tuple[str, str, str], tuple] = {}


def exposition() -> str:
    """The request metrics in Prometheus' text format: every worker's under gunicorn."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry).decode()
