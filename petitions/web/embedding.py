"""Forgery protection for the embedded signing form, which works without any cookie.

A partner site frames /c/<slug>/embed/. Browsers that block third-party cookies never store
Django's CSRF cookie inside that frame, so the cookie-and-token check would refuse every embedded
signature. The embed's POST is protected by two stateless checks instead:

1. The browser says where the POST comes from. A form submitted inside the frame comes from our own
   origin: `Origin` is ours (or in CSRF_TRUSTED_ORIGINS) and `Sec-Fetch-Site` is `same-origin`. A
   page elsewhere that posts to the embed sends its own `Origin` and `Sec-Fetch-Site: cross-site`,
   and is refused. Browsers old enough to send neither header fall back on check 2 alone.
2. The form carries a token signed with SECRET_KEY for this campaign, valid for EMBED_FORM_MAX_AGE.
   It ties the POST to a form this site served, for this campaign, recently.

Nothing here relaxes the rest of the site: every other view keeps Django's CSRF middleware.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

EMBED_FORM_SALT = "outcry.embed-form"
EMBED_FORM_MAX_AGE = 6 * 3600  # a form left open for an afternoon still works
TOKEN_FIELD = "embed_token"  # noqa: S105 - a form field name, not a secret


def embed_form_token(campaign_id: int) -> str:
    return signing.TimestampSigner(salt=EMBED_FORM_SALT).sign(str(campaign_id))


def valid_embed_token(token: str, campaign_id: int) -> bool:
    try:
        value = signing.TimestampSigner(salt=EMBED_FORM_SALT).unsign(token, max_age=EMBED_FORM_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return value == str(campaign_id)


def _own_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def same_origin_post(request: HttpRequest) -> bool:
    """False when the browser tells us the POST came from another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin == "null" or not urlsplit(origin).netloc:
        return False
    return origin in _own_origins(request)
