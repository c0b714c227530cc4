from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def grouped(value) -> str:
    """12345 -> "12,345" (or "12 345", "12.345": the active language's grouping)."""
    return number_format(value, force_grouping=True)


@register.simple_tag
def online_and_paper(online: int, paper: int) -> str:
    """ "1,147 online + 80 on paper", each number in an element of its own that counters.js updates
    and a right-to-left line keeps in place. The plural form follows the paper count: organisers
    change it, so it does not move while the page is open (the online one does, live)."""
    text = ngettext("%(online)s online + %(paper)s on paper", "%(online)s online + %(paper)s on paper", paper)
    # The translation is text, not markup: escaped, its braces kept literal, then the two numbers put in.
    pattern = str(conditional_escape(text)).replace("{", "{{").replace("}", "}}")
    return format_html(
        pattern.replace("%(online)s", "{online}").replace("%(paper)s", "{paper}"),
        online=format_html('<bdi data-counter="signatures">{}</bdi>', grouped(online)),
        paper=format_html('<bdi data-counter="paper">{}</bdi>', grouped(paper)),
    )


@register.simple_tag
def own_mail_sent(count: int) -> str:
    """ "plus 312 sent from signers' own mailboxes", the number in an element counters.js updates:
    letters that never went through the platform, so never part of "letters sent"."""
    text = ngettext(
        "plus %(count)s sent from signers' own mailboxes", "plus %(count)s sent from signers' own mailboxes", count
    )
    pattern = str(conditional_escape(text)).replace("{", "{{").replace("}", "}}")
    number = format_html('<bdi data-counter="own_mail">{}</bdi>', grouped(count))
    return format_html(pattern.replace("%(count)s", "{count}"), count=number)


@register.simple_tag
def thousands_separator() -> str:
    """What `grouped` puts between thousands in the active language ("" where it groups none), for
    scripts that write numbers as the page does (the display counts up through every number)."""
    return number_format(1000, force_grouping=True)[1:-3]
