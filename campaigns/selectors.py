"""Reads of campaign configuration for public pages, cached briefly per process.

A viral campaign page is read thousands of times a minute and changes a few times a day; a few
seconds of staleness after an organiser's edit is the price of not querying on every view. The
cache is a plain dict of ready objects: every public request reads it, and unpickling from Django's
local-memory cache cost more than the rest of a thank-you page.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import translation

from campaigns import routing
from campaigns.enums import CampaignStatus, TargetRouting
from campaigns.models import Campaign, MessageTemplate, Target, TargetName
from campaigns.placeholders import PREVIEW_HINTS, fill_placeholders
from outcry.databases import DATABASE_UNAVAILABLE
from outcry.memo import ProcessCache
from outcry.sharedcache import forget_responses

CAMPAIGN_CACHE_SECONDS = 5

_pages: ProcessCache["CampaignPage | None"] = ProcessCache(CAMPAIGN_CACHE_SECONDS)
_templates: ProcessCache[dict[str, MessageTemplate]] = ProcessCache(CAMPAIGN_CACHE_SECONDS)
_target_names: ProcessCache[dict[int, dict[str, TargetName]]] = ProcessCache(CAMPAIGN_CACHE_SECONDS)
PAGE_PREFETCH = ("templates", "targets__names", "partners", "endorsers")


@dataclass(frozen=True)
class PageTarget:
    """A target as a public page lists it: "Name, Title" in the page's language, and the language of
    the letter it receives (which may not be the page's)."""

    label: str
    letter_language: str
    letter_language_name: str  # in the page's language
    pk: int = 0
    # Where letters are matched to the signer: whom it is for, e.g. "for signers in Germany"
    # (campaigns/routing.py); empty otherwise.
    for_whom: str = ""


@dataclass(frozen=True)
class CampaignPage:
    """Everything the public page needs, in one cacheable value."""

    campaign: Campaign
    template: MessageTemplate | None
    targets: tuple[PageTarget, ...]
    letter_subject: str = ""
    letter_body: str = ""

    # Where letters go by country: each country code's target labels ("" for everyone else).
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Where letters go by postcode: [postcode beginning, its countries, target label] rows and the
    # default targets' labels, for the form's script to name them as the signer types.
    postcode_routes: dict = field(default_factory=dict)

    @property
    def target_names(self) -> tuple[str, ...]:
        return tuple(target.label for target in self.targets)


def letter_preview(template: MessageTemplate, target: Target | None) -> tuple[str, str]:
    """(subject, body) as the page shows them: the first target filled in (named in the letter's
    language), the signer's parts as hints."""
    values = {name: str(hint) for name, hint in PREVIEW_HINTS.items()} | {
        "target_name": target.name_in(template.language) if target else "",
        "target_title": target.title_in(template.language) if target else "",
        "campaign_title": template.page_title,
    }
    return fill_placeholders(template.letter_subject, values), fill_placeholders(template.letter_body, values)


def public_campaigns(*, closed: bool = False) -> QuerySet[Campaign]:
    """Campaigns the public may see listed: live or paused (and closed ones too, for the API),
    newest first."""
    statuses = [CampaignStatus.LIVE, CampaignStatus.PAUSED, *([CampaignStatus.CLOSED] if closed else [])]
    return Campaign.objects.filter(status__in=statuses).select_related("organisation")


def template_for(campaign: Campaign, language: str) -> MessageTemplate | None:
    """The template in `language`, else the campaign's default language, else any."""
    return pick_template(_by_language(campaign), language, campaign.default_language)


def letter_template(campaign: Campaign, language: str) -> MessageTemplate | None:
    """template_for, from a per-process cache: the sender reads it for every letter."""
    return pick_template(
        _templates.get(campaign.pk, lambda: _by_language(campaign)), language, campaign.default_language
    )


def with_letter_names(target: Target) -> Target:
    """`target` with its names per language from a per-process cache: every letter names its target,
    and the sender must not pay a query per letter for rows that change a few times a campaign."""
    names = _target_names.get(target.campaign_id, lambda: _names_of_campaign(target.campaign_id))
    target.names_by_language = names.get(target.pk, {})
    return target


def _names_of_campaign(campaign_id: int) -> dict[int, dict[str, TargetName]]:
    names: dict[int, dict[str, TargetName]] = {}
    for row in TargetName.objects.filter(target__campaign_id=campaign_id):
        names.setdefault(row.target_id, {})[row.language] = row
    return names


def _by_language(campaign: Campaign) -> dict[str, MessageTemplate]:
    return {template.language: template for template in campaign.templates.all()}


def pick_template(templates: dict[str, MessageTemplate], language: str, default: str) -> MessageTemplate | None:
    """The one rule for which version a reader of `language` gets: theirs, else the main one, else any."""
    return templates.get(language) or templates.get(default) or next(iter(templates.values()), None)


def campaign_page(slug: str, language: str) -> CampaignPage | None:
    """The public view of a non-draft campaign, or None; drafts are invisible to the public."""
    # While the database restarts, the last page read is good enough to show and to sign on.
    return _pages.get((slug, language), lambda: _load_campaign_page(slug, language), stale_on=DATABASE_UNAVAILABLE)


def forget_campaign_pages() -> None:
    """Drop this process's cached pages (and the responses made of them), templates and target names
    (tests; a process that must see an edit at once)."""
    forget_responses()
    _pages.clear()
    _templates.clear()
    _target_names.clear()


def _load_campaign_page(slug: str, language: str) -> CampaignPage | None:
    campaign = (
        Campaign.objects.exclude(status=CampaignStatus.DRAFT, rehearsal_to="")
        .select_related("organisation")
        .prefetch_related(*PAGE_PREFETCH)
        .filter(slug=slug)
        .first()
    )
    return None if campaign is None else _page_of(campaign, language)


def preview_campaign_page(campaign_id: int, language: str) -> CampaignPage | None:
    """The public view of any campaign, drafts included, straight from the database (admin preview)."""
    campaign = (
        Campaign.objects.select_related("organisation").prefetch_related(*PAGE_PREFETCH).filter(pk=campaign_id).first()
    )
    return None if campaign is None else _page_of(campaign, language)


def _page_of(campaign: Campaign, language: str) -> CampaignPage:
    template = template_for(campaign, language)
    targets = [target for target in campaign.targets.all() if target.is_active]
    subject, body = letter_preview(template, targets[0] if targets else None) if template else ("", "")
    routes = {}
    if campaign.target_routing == TargetRouting.COUNTRY:
        routes = {
            code: tuple(target.label_in(language) for target in matched)
            for code, matched in routing.by_country(campaign, targets).items()
        }
    postcode_routes = {}
    if campaign.target_routing == TargetRouting.POSTCODE:
        postcode_routes = {
            "rows": [
                [prefix, sorted(routing.country_codes(target)), target.label_in(language)]
                for target in targets
                for prefix in routing.postcode_prefixes(target)
            ],
            "default": [target.label_in(language) for target in routing.default_targets(targets)],
        }
    return CampaignPage(
        campaign=campaign,
        template=template,
        targets=tuple(_page_target(campaign, target, language) for target in targets),
        letter_subject=subject,
        letter_body=body,
        routes=routes,
        postcode_routes=postcode_routes,
    )


def _page_target(campaign: Campaign, target: Target, language: str) -> PageTarget:
    """The target in the page's language; its letter's language is that of the template the sender
    will use (the target's language, else the campaign's default, else any)."""
    wanted = target.language or campaign.default_language
    letter = template_for(campaign, wanted)
    letter_language = letter.language if letter else wanted
    with translation.override(language):
        language_name = str(translation.get_language_info(letter_language)["name_translated"])
        for_whom = routing.for_whom(campaign, target)
    return PageTarget(
        label=target.label_in(language),
        letter_language=letter_language,
        letter_language_name=language_name,
        pk=target.pk,
        for_whom=for_whom,
    )
