"""The letter ready to send from a signer's own mailbox: mailto:, Gmail, Outlook.com and Yahoo links.

The same letter the platform sends (petitions/mail/letters.py), in the target's language, with the
target's address filled in. Where the page does not know the signer (the shared thank-you page),
their parts read as hints ("[your name]") for them to fill in. A link that would be too long for a
phone's mail app or a webmail's address carries the letter's beginning and says so; the page offers
the whole text to copy.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils import translation

from campaigns import routing
from campaigns.enums import TargetRouting
from campaigns.models import Campaign
from campaigns.placeholders import PREVIEW_HINTS
from campaigns.selectors import letter_template
from petitions.mail.letters import render_letter_from, signer_values
from petitions.models import Signature

# Some phones' mail apps drop or cut a longer mailto: link; Outlook's compose address is documented
# as limited to about 2,048 characters (Yahoo's is not documented: treated alike); Gmail's servers
# take about 8 KB.
MAILTO_MAX_LENGTH = 2000
SHORT_COMPOSE_MAX_LENGTH = 2000
GMAIL_MAX_LENGTH = 8000


@dataclass(frozen=True)
class ComposeLinks:
    mailto: str
    gmail: str
    outlook: str
    yahoo: str
    shortened: bool  # at least one link carries only the letter's beginning


@dataclass(frozen=True)
class OwnMailLetter:
    """One letter for one or more targets (those whose letters read the same)."""

    target_labels: tuple[str, ...]  # in the page's language
    addresses: tuple[str, ...]
    language: str
    subject: str
    body: str
    links: ComposeLinks
    # Where letters are matched to the signer and the signer is not known: whom this letter is for,
    # e.g. "for signers in Germany", so that each signer picks their own (campaigns/routing.py).
    for_whom: str = ""


def _encoded(text: str) -> str:
    return quote(text, safe="")


def _mailto(addresses, subject: str, body: str) -> str:
    # RFC 6068: line breaks in a body are CRLF, every other reserved character percent-encoded.
    to = ",".join(quote(address, safe="@") for address in addresses)
    return f"mailto:{to}?subject={_encoded(subject)}&body={_encoded(body.replace(chr(10), chr(13) + chr(10)))}"


def _gmail(addresses, subject: str, body: str) -> str:
    to = _encoded(",".join(addresses))
    return f"https://mail.google.com/mail/?view=cm&fs=1&to={to}&su={_encoded(subject)}&body={_encoded(body)}"


def _outlook(addresses, subject: str, body: str) -> str:
    to = _encoded(";".join(addresses))  # Outlook's own separator
    return f"https://outlook.live.com/mail/0/deeplink/compose?to={to}&subject={_encoded(subject)}&body={_encoded(body)}"


def _yahoo(addresses, subject: str, body: str) -> str:
    to = _encoded(",".join(addresses))
    return f"https://compose.mail.yahoo.com/?to={to}&subject={_encoded(subject)}&body={_encoded(body)}"


# name -> (builder, the longest link it may make)
BUILDERS = {
    "mailto": (_mailto, MAILTO_MAX_LENGTH),
    "gmail": (_gmail, GMAIL_MAX_LENGTH),
    "outlook": (_outlook, SHORT_COMPOSE_MAX_LENGTH),
    "yahoo": (_yahoo, SHORT_COMPOSE_MAX_LENGTH),
}
CUT_MARK = "\n[…]"


def _cut(body: str, length: int) -> str:
    """The body's first `length` characters, back to the last space or line break, then the cut mark."""
    head = body[:length]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space > 0:
        head = head[:space]
    return head.rstrip() + CUT_MARK


def _fitting(build, addresses, subject: str, body: str, max_length: int) -> tuple[str, bool]:
    """build(...)'s link, its body cut (at a word) just enough to keep it within `max_length`."""
    link = build(addresses, subject, body)
    if len(link) <= max_length:
        return link, False
    low, high = 0, len(body)  # the longest cut that fits lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if len(build(addresses, subject, _cut(body, middle))) <= max_length:
            low = middle
        else:
            high = middle
    return build(addresses, subject, _cut(body, low) if low else CUT_MARK.strip()), True


def compose_links(addresses, subject: str, body: str) -> ComposeLinks:
    """The four links that open this letter ready to send, each within its length limit."""
    addresses = tuple(addresses)
    links = {name: _fitting(build, addresses, subject, body, limit) for name, (build, limit) in BUILDERS.items()}
    return ComposeLinks(
        **{name: link for name, (link, _cut_it) in links.items()},
        shortened=any(cut_it for _link, cut_it in links.values()),
    )


def hint_values(language: str) -> dict[str, str]:
    """The signer's placeholders as hints in `language`: "[your name]" for them to fill in."""
    with translation.override(language):
        return {name: str(hint) for name, hint in PREVIEW_HINTS.items()}


def own_mail_letters(campaign: Campaign, *, signature: Signature | None = None) -> tuple[OwnMailLetter, ...]:
    """The campaign's letters for its active targets, written for `signature` (else with hints), in
    each target's language; targets whose letters read the same share one letter and one set of links."""
    page_language = translation.get_language()
    routed = campaign.target_routing != TargetRouting.EVERY
    targets = [target for target in campaign.targets.all() if target.is_active]
    if routed and signature is not None:
        targets = routing.targets_for(
            campaign,
            targets,
            country=signature.country.code,
            chosen=signature.chosen_targets,
            postcode=signature.postcode,
        )
    groups: dict[tuple[str, str, str, str], list] = {}
    for target in targets:
        template = letter_template(campaign, target.language or campaign.default_language)
        if template is None:
            continue
        signer = signer_values(signature, template.language) if signature else hint_values(template.language)
        subject, body = render_letter_from(template, target=target, signer=signer)
        for_whom = routing.for_whom(campaign, target) if signature is None else ""
        groups.setdefault((template.language, subject, body, for_whom), []).append(target)
    return tuple(
        OwnMailLetter(
            target_labels=tuple(target.label_in(page_language) for target in targets),
            addresses=tuple(target.email for target in targets),
            language=language,
            subject=subject,
            body=body,
            links=compose_links([target.email for target in targets], subject, body),
            for_whom=for_whom,
        )
        for (language, subject, body, for_whom), targets in groups.items()
    )
