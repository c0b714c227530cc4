"""The provider webhooks that are open: the tracking and inbound ones of the provider EMAIL_BACKEND
sends through.

/anymail/<provider>/tracking/ and /anymail/<provider>/inbound/ answer 404, like any unknown address,
unless <provider> is the anymail backend in EMAIL_BACKEND; no other provider's webhook is reachable.
Inbound mail is a target's reply, passed to petitions/responses/inbound.py by anymail's signal.
The open ones run anymail's own view, with its answers made plain:

- 403 (Amazon SES: 401 with a challenge when no credentials are sent, as SNS needs) when the request
  is not authenticated: wrong or missing basic auth (ANYMAIL_WEBHOOK_SECRET), a bad signature, or a
  webhook nothing is configured to authenticate; basic auth is checked before the body is read;
- 400 when the body cannot be read as that provider's events;
- 503, so that the provider delivers it again later, when an event could not be recorded now
  (petitions/tracking/events.py); never a 500.
"""

import functools
import logging

from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from anymail.urls import urlpatterns as anymail_urlpatterns
from anymail.utils import get_anymail_setting, get_request_basic_auth
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from petitions.tracking.events import LetterNotRecordedYet, webhook_is_authenticated

logger = logging.getLogger(__name__)

BACKEND_PREFIX, BACKEND_SUFFIX = "anymail.backends.", ".EmailBackend"
RETRY_AFTER_SECONDS = 60


def _views(kind: str) -> dict[str, type]:
    """Each provider's `kind` view, by the name in its backend's module path and its URL."""
    suffix = f"_{kind}_webhook"
    return {
        pattern.name.removesuffix(suffix): pattern.callback.view_class
        for pattern in anymail_urlpatterns
        if pattern.name.endswith(suffix)
    }


TRACKING_VIEWS: dict[str, type] = _views("tracking")
INBOUND_VIEWS: dict[str, type] = _views("inbound")


class MalformedPayload(Exception):
    """The body is not something this provider sends."""


def configured_provider() -> str | None:
    """The provider whose tracking webhook is open, from EMAIL_BACKEND; None for SMTP and files."""
    backend = settings.EMAIL_BACKEND
    if not (backend.startswith(BACKEND_PREFIX) and backend.endswith(BACKEND_SUFFIX)):
        return None
    provider = backend.removeprefix(BACKEND_PREFIX).removesuffix(BACKEND_SUFFIX)
    return provider if provider in TRACKING_VIEWS else None


@functools.cache
def _guarded(view_class: type) -> type:
    """The provider's view, with reading the body told apart from recording its events."""

    class Guarded(view_class):
        def run_validators(self, request):
            try:
                super().run_validators(request)
            except (AnymailWebhookValidationFailure, AnymailConfigurationError):
                raise
            except Exception as exc:
                raise MalformedPayload from exc

        def parse_events(self, request):
            try:
                return list(super().parse_events(request))
            except AnymailConfigurationError:
                raise
            except Exception as exc:
                raise MalformedPayload from exc

    Guarded.__name__ = Guarded.__qualname__ = view_class.__name__
    return Guarded


def _answer(status: int, text: str, **headers) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8", headers=headers)


def _unauthenticated(request: HttpRequest, provider: str) -> HttpResponse | None:
    """Basic auth, checked from the headers alone; None when it is right or not configured."""
    secrets = get_anymail_setting("webhook_secret", default=[])
    secrets = [secrets] if isinstance(secrets, str) else list(secrets)
    if not any(secrets):
        return None
    given = get_request_basic_auth(request) or ""
    if any(constant_time_compare(given, secret) for secret in secrets if secret):
        return None
    if provider == "amazon_ses" and "HTTP_AUTHORIZATION" not in request.META:
        # SNS sends the credentials of the subscription URL only after a challenge.
        return _answer(401, "Authentication required.", **{"WWW-Authenticate": 'Basic realm="webhook"'})
    return _answer(403, "Not authenticated.")


@csrf_exempt
def tracking_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    return _open_webhook(request, provider, TRACKING_VIEWS, "tracking")


@csrf_exempt
def inbound_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    return _open_webhook(request, provider, INBOUND_VIEWS, "inbound")


def _open_webhook(request: HttpRequest, provider: str, views: dict[str, type], kind: str) -> HttpResponse:
    if provider != configured_provider() or provider not in views:
        raise Http404(f"No {kind} webhook for this provider.")
    view_class = views[provider]
    refused = _unauthenticated(request, provider)
    if refused is not None:
        return refused
    if not webhook_is_authenticated(view_class):
        logger.error("%s %s webhook refused: set ANYMAIL_WEBHOOK_SECRET (or its signing key)", provider, kind)
        return _answer(403, "Not authenticated.")
    try:
        return _guarded(view_class).as_view()(request)
    except AnymailWebhookValidationFailure as exc:
        # A body that cannot even be parsed for its signature is malformed; any other failure is a
        # signature (or SNS envelope) that does not match.
        if exc.__cause__ is not None:
            return _answer(400, "Malformed webhook body.")
        return _answer(403, "Not authenticated.")
    except MalformedPayload:
        logger.info("%s %s webhook: unreadable body refused", provider, kind, exc_info=True)
        return _answer(400, "Malformed webhook body.")
    except AnymailConfigurationError:
        logger.exception("%s %s webhook is not configured correctly", provider, kind)
        return _answer(403, "Not authenticated.")
    except PermissionDenied:
        return _answer(403, "Not authenticated.")
    except LetterNotRecordedYet:
        return _answer(503, "Not recorded yet; send it again later.", **{"Retry-After": str(RETRY_AFTER_SECONDS)})
    except Exception:
        logger.exception("%s %s event could not be recorded", provider, kind)
        return _answer(503, "Not recorded; send it again later.", **{"Retry-After": str(RETRY_AFTER_SECONDS)})
