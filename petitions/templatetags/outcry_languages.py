"""The language switcher and the alternate-language links of a public page."""

import functools
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_info

from outcry import languages
from outcry.languages import LANGUAGE_PARAMETER, page_in_language, same_family

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language: a signer who cannot read the current one still finds theirs
    url: str  # the page in that language
    choose_url: str  # the same, remembering the choice (?lang=)
    bidi: bool
    current: bool


@register.simple_tag(takes_context=True)
def language_head_and_switch(context) -> tuple[str, str]:
    """(<link rel=alternate> tags, the switcher), rendered once per process, address and language."""
    request = context.get("request")
    if request is None:
        return "", ""
    return _rendered(request.path_info, request.META.get("QUERY_STRING", ""), get_language())


@functools.lru_cache(maxsize=1024)
def _rendered(path: str, query_string: str, current: str) -> tuple[str, str]:
    languages = _language_links(path, query_string, current)
    if not languages:
        return "", ""
    return (
        render_to_string("_language_alternates.html", {"languages": languages}),
        render_to_string("_language_switch.html", {"languages": languages}),
    )


@functools.lru_cache(maxsize=1024)
def _language_links(path: str, query_string: str, current: str) -> tuple[LanguageLink, ...]:
    """Every public page renders these: a dozen reverse() calls, the same for every visitor of one
    address, so they are worked out once per process and address."""
    request = HttpRequest()
    request.path_info = path
    request.GET = QueryDict(query_string)
    links = []
    for code, _name in settings.LANGUAGES:
        url = page_in_language(request, code)
        if url is None:
            return ()
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                url=url,
                choose_url=page_in_language(request, code, {LANGUAGE_PARAMETER: code}),
                bidi=languages.is_rtl(code),
                current=code == current,
            )
        )
    return tuple(links)


@register.simple_tag(takes_context=True)
def page_url(context, name: str, **kwargs) -> str:
    """{% url %} that stays in the current page's family: a link on /az/... leads to /az/..."""
    return same_family(context.get("request"), name, **kwargs)


@register.filter
def text_direction(language: str) -> str:
    """ "rtl" or "ltr" for a language code, for content whose language may differ from the page's."""
    return languages.text_direction(language or "")


@register.filter
def quoted(title: str) -> str:
    """A campaign title in quotation marks of the current language, never doubled."""
    return languages.quote_title(str(title), get_language() or settings.LANGUAGE_CODE)
