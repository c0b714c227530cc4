"""Errors reported to Sentry (or any server that speaks its protocol, such as GlitchTip), when
SENTRY_DSN is set: web, worker and beat, with nothing in a report that could name a signer.

A report leaves the installation for a third party, so it is cut down before it is sent rather
than trusted to Sentry's server-side scrubbing:
- no local variables of stack frames (they hold forms, rows, letters), no request bodies, cookies,
  headers or client addresses, no user;
- the address is the route, never the path: a private link's token is in the path (/r/<token>/);
- every string left (exception messages, log messages, breadcrumbs, tags) goes through the log
  scrub (outcry/logscrub.py): email and IP addresses become [email] and [ip];
- SQL breadcrumbs keep the statement, never its parameters.
"""

from outcry.logscrub import scrub

KEPT_REQUEST_HEADERS = {"accept-language", "content-type", "content-length"}


def configure(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(transaction_style="url"), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # gzip, as before WeasyPrint brought the brotli module in: the SDK switches to brotli when it
        # can import it, and not every receiver (GlitchTip, a relay) reads it.
        _experiments={"transport_compression_algo": "gzip"},
    )


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """The report as it may leave: personal data removed (see the module's docstring)."""
    event.pop("user", None)
    request = event.get("request")
    if request is not None:
        route = event.get("transaction") if event.get("transaction_info", {}).get("source") == "route" else None
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": route or "[address]",
            "headers": {name: value for name, value in headers.items() if name.lower() in KEPT_REQUEST_HEADERS},
        }
    return _scrubbed(event)


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    if crumb.get("category") == "query":
        crumb.pop("data", None)  # the statement's parameters: addresses, names, hashes
    return _scrubbed(crumb)


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value
