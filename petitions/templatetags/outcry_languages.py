"""The language switcher and the alternate-language links of a public page."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

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
def language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = page_in_language(request, code)
        if url is None:
            return []
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                url=url,
                choose_url=page_in_language(request, code, {LANGUAGE_PARAMETER: code}),
                bidi=info["bidi"],
                current=code == current,
            )
        )
    return links


@register.simple_tag(takes_context=True)
def page_url(context, name: str, **kwargs) -> str:
    """{% url %} that stays in the current page's family: a link on /az/... leads to /az/..."""
    return same_family(context.get("request"), name, **kwargs)


@register.filter
def text_direction(language: str) -> str:
    """ "rtl" or "ltr" for a language code, for content whose language may differ from the page's."""
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        return "ltr"
