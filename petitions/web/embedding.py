"""Forgery protection for the public signing forms (the campaign page and the embed), without cookies.

Neither form carries Django's CSRF token: the campaign page must be the same HTML for every visitor
so that any cache can serve it (outcry/sharedcache.py), and inside a partner's frame browsers
that block third-party cookies would never store the CSRF cookie. The threat is another site making
its visitors' browsers sign (names it chose, from those visitors' addresses, round the per-address
limits). Nobody is logged in on these pages, so no account can be abused; a bot that posts from its
own machine is the abuse screen's business (petitions/abuse/screen.py), not this module's.

1. The browser says where the POST comes from. A form sent from our own page comes from our origin:
   `Sec-Fetch-Site` is `same-origin` (or `none`, typed or bookmarked) and `Origin` is ours (or in
   CSRF_TRUSTED_ORIGINS). A page elsewhere that posts here sends `Sec-Fetch-Site: cross-site` and its
   own `Origin`, and is refused; so is `Origin: null` (sandboxed frames, opaque origins). Every
   browser released since 2020 sends these headers. An older one that sends no `Origin` is judged
   by its `Referer` when it sends one.
2. The embed's form also carries a token signed with SECRET_KEY for this campaign, valid for
   EMBED_FORM_MAX_AGE: it ties the POST to a form this site served, for this campaign, recently.
   It is the same for every visitor within a second (outcry/sharedcache.py), so it names nobody.

Every other form of the site (the signer's data pages, the confirmation button, the admin) keeps
Django's CSRF middleware.
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
        referer = urlsplit(request.headers.get("Referer", ""))
        return not referer.netloc or f"{referer.scheme}://{referer.netloc}" in _own_origins(request)
    if origin == "null" or not urlsplit(origin).netloc:
        return False
    return origin in _own_origins(request)
