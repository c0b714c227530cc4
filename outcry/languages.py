"""Which language a public page is in, and the same page in another language.

Pages live twice: under a language prefix (/az/c/<slug>/, from i18n_patterns), which pins the
language, and unprefixed (/c/<slug>/, the addresses partner sites and old links use), which speaks
the visitor's language: the cookie set by a past choice, else the browser's Accept-Language, else
English. `?lang=az` on any page is a choice: it is remembered and redirects to the prefixed page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_supported_language_variant, override

# The prefixed copies of the public URLs are included under these instance namespaces; the
# unprefixed ones keep the apps' own, so every existing reverse() still gives the old addresses.
PREFIXED = {"campaigns": "campaigns-i18n", "petitions": "petitions-i18n"}
LANGUAGE_PARAMETER = "lang"


def is_rtl(code: str) -> bool:
    """Whether text in `code` runs right to left. Django's LANG_INFO marks Azerbaijani as bidi (it was
    once written in Arabic script); today's Azerbaijani is Latin, so the one list that decides is
    settings.LANGUAGES_BIDI, the same one {% get_current_language_bidi %} reads for the page."""
    return code.split("-")[0].lower() in settings.LANGUAGES_BIDI


def text_direction(code: str) -> str:
    """ "rtl" or "ltr", for a `dir` attribute."""
    return "rtl" if is_rtl(code) else "ltr"


# Quotation marks as each interface language writes them around a title.
QUOTES = {"ru": ("«", "»"), "es": ("«", "»"), "ar": ("«", "»")}
QUOTE_CHARACTERS = frozenset('"“”„«»‹›')  # no apostrophes: Workers' Table has one


def quote_title(title: str, language: str) -> str:
    """The title in the language's quotation marks, unless it already has quotes of its own (the
    Azerbaijani title begins with one): never “"doubled"”."""
    if any(char in QUOTE_CHARACTERS for char in title):
        return title
    opening, closing = QUOTES.get(language.split("-")[0], ("“", "”"))
    return f"{opening}{title}{closing}"


def supported_language(code: str) -> str | None:
    try:
        return get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def page_in_language(request: HttpRequest, language: str, query: dict[str, str] | None = None) -> str | None:
    """The prefixed URL of the page `request` shows, in `language`, keeping the query string
    (minus ?lang=); None for anything that is not a public page (admin, counter.json)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.app_name not in PREFIXED:
        return None
    try:
        with override(language):
            path = reverse(f"{PREFIXED[match.app_name]}:{match.url_name}", args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return None
    params = {name: value for name, value in request.GET.items() if name != LANGUAGE_PARAMETER}
    params |= query or {}
    return f"{path}?{urlencode(params)}" if params else path


def language_in_path(request: HttpRequest) -> bool:
    """Whether the page was reached under a language prefix (/az/c/...), which alone decides its language."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace in PREFIXED.values()


def same_family(request: HttpRequest, name: str, **kwargs) -> str:
    """reverse() in the URL family the request came through: an unprefixed page links and
    redirects to unprefixed pages (the visitor's language), a prefixed one to its own language."""
    app_name, url_name = name.split(":")
    if request is not None and language_in_path(request):
        return reverse(f"{PREFIXED[app_name]}:{url_name}", kwargs=kwargs)
    return reverse(name, kwargs=kwargs)


class LanguageParameterMiddleware:
    """`?lang=<code>` on a page: remember the choice in the language cookie and redirect to the
    page under that language's prefix. Unknown codes and non-page URLs are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        requested = request.GET.get(LANGUAGE_PARAMETER)
        if requested and request.method in ("GET", "HEAD"):
            language = supported_language(requested)
            target = page_in_language(request, language) if language else None
            if target:
                response = HttpResponseRedirect(target)
                # Gone when the browser closes: a cookie that outlives the visit tells whoever holds
                # the phone later that it came here.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=None,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
                return response
        return self.get_response(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except for two answers. A 404 from a view behind an unprefixed URL stays a 404: Django
    would redirect /c/<unknown>/counter.json to /en/c/<unknown>/counter.json, because that path would
    match a pattern, turning a plain "no such campaign" into a redirect to another 404. And data a
    view marked the same in every language (outcry/sharedcache.py) does not vary on it."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "same_in_every_language", False):
            return response  # data, not a page (counter.json): no Vary on the language, for any cache
        if response.status_code != 404 or getattr(request, "resolver_match", None) is None:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", get_language())
        return response
