"""The operations of /api/v1/: thin, each a read from petitions/reporting or campaigns/selectors
put into its schema. Every answer is cached whole with an ETag (petitions/api/answers.py)."""

from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from ninja import Path, Query
from ninja.errors import HttpError
from pydantic import TypeAdapter

from campaigns.enums import CampaignStatus
from campaigns.listing import ListedCampaign, listed_campaigns
from campaigns.models import Campaign as CampaignRow
from campaigns.selectors import campaign_page, template_for
from outcry.languages import PREFIXED
from petitions.api import schemas
from petitions.api.answers import PerAddress, PublicAPI, kept_answer, open_docs
from petitions.reporting.breakdown import campaign_breakdown
from petitions.reporting.public import recent_signers

SLUG = r"^[-a-zA-Z0-9_]+$"
LISTED = (CampaignStatus.LIVE, CampaignStatus.PAUSED, CampaignStatus.CLOSED)
Status = StrEnum("Status", {status: status for status in LISTED})
ERRORS = {404: schemas.Error, 422: schemas.Invalid, 429: schemas.Error}

api = PublicAPI(
    title=f"{settings.SITE_NAME} API",
    version="1",
    description=(
        "Public campaigns, their figures, the first names of signers who chose to be shown, and their "
        "targets. Read only, open to every origin, cached, limited per network address."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=open_docs,
    throttle=[PerAddress()],
)

Language = Query(None, description="One of the site's languages; else each campaign's main language.")
Slug = Path(..., pattern=SLUG, description="The campaign's short name, as in its address /c/<slug>/.")


def _responses(schema) -> dict:
    return {200: schema, 304: None, **ERRORS}


def _dump(schema, value) -> bytes:
    return TypeAdapter(schema).dump_json(value)


def _listed(slug: str, language: str | None) -> CampaignRow:
    """The campaign behind `slug` if the API lists it; drafts, rehearsals included, are not found."""
    page = campaign_page(slug, language or settings.LANGUAGE_CODE)
    if page is None or page.campaign.status not in LISTED:
        raise HttpError(404, gettext("No such campaign."))
    return page.campaign


def _campaign(listed: ListedCampaign) -> schemas.Campaign:
    campaign = listed.campaign
    with translation.override(listed.language):
        path = reverse(f"{PREFIXED['petitions']}:campaign", kwargs={"slug": campaign.slug})
    return schemas.Campaign(
        slug=campaign.slug,
        title=listed.title,
        summary=listed.summary,
        language=listed.language,
        languages=sorted(template.language for template in campaign.templates.all()),
        main_language=campaign.default_language,
        status=campaign.status,
        phase=campaign.phase(),
        opens=campaign.starts_at,
        closes=campaign.ends_at,
        goal=campaign.goal,
        url=settings.SITE_URL + path,
    )


@api.get(
    "/campaigns",
    operation_id="list_campaigns",
    response=_responses(list[schemas.Campaign]),
    summary="Public campaigns, newest first",
)
def campaigns(request, language: schemas.Language | None = Language, status: Status | None = None):
    """Live, paused and closed campaigns (never drafts), each in `language` where it is written in it."""

    def make() -> bytes:
        rows = [row for row in listed_campaigns(language or "", closed=True) if status in (None, row.campaign.status)]
        return _dump(list[schemas.Campaign], [_campaign(row) for row in rows])

    return kept_answer(request, f"api:v1:campaigns:{status}:{language}", make)


@api.get(
    "/campaigns/{slug}", operation_id="get_campaign", response=_responses(schemas.Campaign), summary="One campaign"
)
def campaign(request, slug: str = Slug, language: schemas.Language | None = Language):
    def make() -> bytes:
        campaign = _listed(slug, language)
        template = template_for(campaign, language or campaign.default_language)
        return _dump(schemas.Campaign, _campaign(ListedCampaign(campaign, template)))

    return kept_answer(request, f"api:v1:campaign:{slug}:{language}", make)


@api.get(
    "/campaigns/{slug}/counts",
    operation_id="get_counts",
    response=_responses(schemas.Counts),
    summary="A campaign's figures",
)
def counts(request, slug: str = Slug, language: schemas.Language | None = Language):
    """Signatures, letters sent and delivered, by country (names in `language`), by partner, by day."""

    def make() -> bytes:
        figures = campaign_breakdown(_listed(slug, language))
        counters = figures.counters
        with translation.override(language or settings.LANGUAGE_CODE):
            countries = [
                schemas.CountryCount(country=row.country.code, name=str(row.country.name), signers=row.signers)
                for row in figures.countries.countries
            ]
        body = schemas.Counts(
            signatures=counters.signatures,
            paper=counters.paper,
            total=counters.total,
            goal=counters.goal,
            emails_sent=counters.emails_sent,
            delivered=figures.delivered,
            own_mail=counters.own_mail,
            by_country=countries,
            other_countries=figures.countries.other,
            by_partner=[
                schemas.PartnerCount(code=p.code, name=p.name, signatures=p.signatures) for p in figures.partners
            ],
            other_partners=figures.other_partners,
            by_day=[schemas.DayCount(day=d.day, signatures=d.signatures) for d in figures.days],
            hidden_below=figures.hidden_below,
        )
        return _dump(schemas.Counts, body)

    return kept_answer(request, f"api:v1:counts:{slug}:{language}", make)


@api.get(
    "/campaigns/{slug}/recent-signers",
    operation_id="list_recent_signers",
    response=_responses(list[schemas.RecentSigner]),
    summary="The latest signers who chose to show their first name",
)
def recent(request, slug: str = Slug, language: schemas.Language | None = Language):
    """First name and country, nothing more, of the latest counted signers who ticked the box."""

    def make() -> bytes:
        signers = recent_signers(_listed(slug, language))
        with translation.override(language or settings.LANGUAGE_CODE):
            rows = [
                schemas.RecentSigner(
                    first_name=signer.first_name,
                    country=signer.country.code or "",
                    country_name=str(signer.country.name) if signer.country else "",
                )
                for signer in signers
            ]
        return _dump(list[schemas.RecentSigner], rows)

    return kept_answer(request, f"api:v1:recent:{slug}:{language}", make)


@api.get(
    "/campaigns/{slug}/targets",
    operation_id="list_targets",
    response=_responses(list[schemas.Target]),
    summary="Who the letters go to",
)
def targets(request, slug: str = Slug, language: schemas.Language | None = Language):
    """The active targets' names and titles in `language`; their addresses only where the organiser
    publishes them."""

    def make() -> bytes:
        campaign = _listed(slug, language)
        shown = language or campaign.default_language
        rows = [
            schemas.Target(
                name=target.name_in(shown),
                title=target.title_in(shown),
                email=target.email if campaign.publish_target_addresses else None,
            )
            for target in campaign.targets.all()
            if target.is_active
        ]
        return _dump(list[schemas.Target], rows)

    return kept_answer(request, f"api:v1:targets:{slug}:{language}", make)
