"""Public petition views. Thin: parse, call one service or selector, redirect or render."""

import functools
import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns.enums import CampaignPhase, DeliveryMode, TargetRouting
from campaigns.selectors import CampaignPage, campaign_page, template_for
from outcry.databases import DATABASE_UNAVAILABLE
from outcry.framing import allow_framing
from outcry.languages import same_family
from outcry.outages import unavailable
from outcry.security import personal_page
from outcry.sharedcache import shared_response
from petitions.abuse import captcha
from petitions.abuse.own_mail import count_own_mail_send
from petitions.core.hashing import client_ip
from petitions.enums import SignatureStatus
from petitions.mail.own_mailbox import own_mail_letters
from petitions.privacy import signer_requests
from petitions.reporting.countries import country_counts
from petitions.reporting.display import display_figures
from petitions.reporting.public import campaign_counters, public_counters, recent_signers
from petitions.responses.public import published_responses
from petitions.signing import confirmations, receipts, service
from petitions.signing.forms import DEFAULT_CONSENT_TEXT, DataRequestForm, EraseForm, SignForm
from petitions.web.embedding import TOKEN_FIELD, embed_form_token, same_origin_post, valid_embed_token
from petitions.web.qrcodes import qr_svg

logger = logging.getLogger(__name__)

COUNTER_MAX_AGE = 5
DISPLAY_MAX_AGE = 2  # the display polls every few seconds: a browser's copy is never older
REF_MAX_LENGTH = 64
EMBED_SCRIPT_MAX_AGE = 3600


def _page_or_404(slug: str) -> CampaignPage:
    page = campaign_page(slug, get_language())
    if page is None or page.template is None:
        raise Http404("No such campaign")
    return page


def sign_form(page: CampaignPage, data=None) -> SignForm:
    """The campaign's signing form (bound to `data` if given); the admin's page preview shows it too."""
    campaign, template = page.campaign, page.template
    choosing = campaign.target_routing == TargetRouting.CHOICE
    return SignForm(
        data,
        allow_message=campaign.allow_personal_message,
        consent_text=campaign.consent_text,
        offer_copy=campaign.offer_signer_copy,
        target_choices=[(target.pk, target.label) for target in page.targets] if choosing else None,
        choice_limit=campaign.target_choice_limit,
        routes=page.routes,
        postcode_routes=page.postcode_routes or None,
        voice=campaign.signer_voice,
        # The letter to edit starts as the page's own language version, placeholders and all.
        letter=(template.letter_subject, template.letter_body) if template else ("", ""),
        offer_full_name=not campaign.signers_at_risk,
    )


def _partner_code(request: HttpRequest) -> str:
    """?ref=<code> of a partner's link, recorded as the signature's source."""
    return request.GET.get("ref", "").strip()[:REF_MAX_LENGTH]


def _sign(request: HttpRequest, page: CampaignPage, form: SignForm) -> bool:
    """Sign with a valid form; False (with the reason on the form) when it could not be recorded."""
    if not form.is_valid():
        return False
    campaign = page.campaign
    try:
        service.sign_petition(
            campaign=campaign,
            data=form.cleaned_data,
            language=get_language(),
            client_ip=client_ip(request),
            consent_text=str(campaign.consent_text or DEFAULT_CONSENT_TEXT),
            source=_partner_code(request),
        )
    except service.AlreadySigned:
        pass  # the same page as a new signature: the response never tells who has signed
    except service.CampaignNotOpen:
        form.add_error(None, _("This campaign is not accepting signatures right now."))
        return False
    except DATABASE_UNAVAILABLE:
        # A restart or fail-over: the signer keeps the form as typed and sends it again (a repeat
        # counts once, should the first have been stored after all).
        form.database_unavailable = True
        form.add_error(
            None,
            _(
                "We could not save your signature just now: our database did not answer. What you typed "
                "is still here: please send it again in a moment."
            ),
        )
        return False
    return True


def _unless_database_down(read, *args, default=None):
    """A figure for the page, or `default` while the database does not answer: the page still shows
    the form (and what was typed in it) without it."""
    try:
        return read(*args)
    except DATABASE_UNAVAILABLE:
        return default


def _answer(response: HttpResponse, form: SignForm) -> HttpResponse:
    return unavailable(response) if getattr(form, "database_unavailable", False) else response


def _from_elsewhere(request: HttpRequest, form: SignForm) -> bool:
    """True (with the reason on the form) for a POST the browser says another site made."""
    if same_origin_post(request):
        return False
    # What Django's CSRF check would log: the path names the campaign, never the signer.
    logger.warning("Forbidden (signing form posted from another site): %s", request.path)
    form.add_error(None, _("This form can only be sent from the page that shows it."))
    return True


def page_context(request: HttpRequest, page: CampaignPage, **extra) -> dict:
    """What every view of a campaign page renders with; the admin's page preview uses it as well."""
    campaign = page.campaign
    phase = campaign.phase()
    return {
        "page": page,
        "campaign": campaign,
        "template": page.template,
        "phase": phase,
        "open": phase == CampaignPhase.OPEN,
        "counters": _unless_database_down(campaign_counters, campaign),
        # One address in every language: browsers and proxies cache a single copy.
        "counter_url": reverse("petitions:counter", args=[campaign.slug]),
        # Unprefixed: whoever opens a shared link gets the page in their own language.
        "share_url": request.build_absolute_uri(reverse("petitions:campaign", args=[campaign.slug])),
        "image_url": request.build_absolute_uri(campaign.image.url) if campaign.image else "",
        **extra,
    }


@csrf_exempt  # the page carries no token, so any cache can hold it: the origin checks of embedding.py instead
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
@shared_response()
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign page; its form posts back here (or to the sign URL, which is the same view)."""
    page = _page_or_404(slug)
    if request.method != "POST":
        return _render_campaign_page(request, page, sign_form(page))
    form = sign_form(page, request.POST)
    if _from_elsewhere(request, form):
        return _render_campaign_page(request, page, form, status=403)
    if _sign(request, page, form):
        return redirect(same_family(request, "petitions:share", slug=page.campaign.slug))
    return _answer(_render_campaign_page(request, page, form), form)


def _render_campaign_page(request: HttpRequest, page: CampaignPage, form: SignForm, status: int = 200) -> HttpResponse:
    signers = _unless_database_down(recent_signers, page.campaign, default=[])
    responses = _unless_database_down(published_responses, page.campaign, default=[])
    countries = _unless_database_down(country_counts, page.campaign)
    context = page_context(
        request, page, form=form, recent_signers=signers, responses=responses, country_counts=countries
    )
    return render(request, "petitions/campaign_detail.html", context, status=status)


@require_safe
@shared_response()
def share_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Thanks and sharing: where signing lands, and a page anyone may open from the campaign page.
    The same for everyone (nothing personal, nothing saying this visitor signed), so it is shared;
    its script refreshes the counters a few seconds after loading."""
    page = _page_or_404(slug)
    digest = page.campaign.delivery_mode == DeliveryMode.DIGEST
    # Nobody is known here: the letters to send from one's own mailbox say "[your name]".
    letters = own_mail_letters(page.campaign) if page.campaign.offers_own_mailbox else ()
    context = page_context(request, page, refresh_counters_after_ms=3000, digest=digest, own_mail_letters=letters)
    return render(request, "petitions/thanks.html", context)


@csrf_exempt  # the pages with the buttons carry no token: the origin check of embedding.py instead
@require_POST
@never_cache
def own_mail_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """A tap on an own-mailbox button: one more letter counted apart. It carries nothing about who
    tapped, sets no cookie, and answers the same whether it counted or not."""
    page = _page_or_404(slug)
    if not page.campaign.offers_own_mailbox or not same_origin_post(request):
        return HttpResponse(status=403)
    try:
        count_own_mail_send(campaign_id=page.campaign.pk, client_ip=client_ip(request))
    except DATABASE_UNAVAILABLE:
        return HttpResponse(status=503)  # the link opened the letter all the same; this press is not counted
    return HttpResponse(status=204)


@csrf_exempt  # replaced, for this view only, by the cookie-free checks of petitions/web/embedding.py
@allow_framing
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
@shared_response()
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The counter, and with ?form=1 the signing form, for partner sites to frame."""
    page = _page_or_404(slug)
    if request.method != "POST":
        with_form = request.GET.get("form") == "1"
        return _render_embed(request, page, sign_form(page) if with_form else None)
    form = sign_form(page, request.POST)
    if _from_elsewhere(request, form):
        return _render_embed(request, page, form, status=403)
    if not valid_embed_token(request.POST.get(TOKEN_FIELD, ""), page.campaign.pk):
        form.add_error(None, _("This form was open too long. Please check your details and send it again."))
    elif _sign(request, page, form):
        return redirect(same_family(request, "petitions:embed_share", slug=page.campaign.slug))
    return _answer(_render_embed(request, page, form), form)


def _render_embed(request: HttpRequest, page: CampaignPage, form: SignForm | None, status: int = 200) -> HttpResponse:
    context = page_context(request, page, form=form, embed_token=embed_form_token(page.campaign.pk))
    return render(request, "petitions/embed.html", context, status=status)


@require_safe
@allow_framing
@shared_response()
def embed_share(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page_or_404(slug)
    return render(request, "petitions/embed_thanks.html", page_context(request, page, refresh_counters_after_ms=3000))


@require_safe
@never_cache
def captcha_challenge(request: HttpRequest) -> JsonResponse:
    """A new proof-of-work challenge for the form's captcha widget: one per visitor (each may be
    solved once), so it is fetched, never part of a page that caches share."""
    return JsonResponse(captcha.new_challenge())


@require_safe
def embed_script(request: HttpRequest) -> HttpResponse:
    """/embed.js at a stable address for partners' script tags (static files are fingerprinted)."""
    response = HttpResponse(_embed_script_source(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, max_age=EMBED_SCRIPT_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@functools.cache
def _embed_script_source() -> bytes:
    return Path(finders.find("js/embed.js")).read_bytes()


@require_safe
@shared_response()
def display(request: HttpRequest, slug: str) -> HttpResponse:
    """The big-screen display: the count rising live, the goal, who signed lately (as the campaign
    page shows them), and a QR code to the campaign page in this page's language. No login, nothing
    personal: the same for everyone, so it is shared like the campaign page."""
    page = _page_or_404(slug)
    figures = _unless_database_down(display_figures, page.campaign)
    campaign_url = request.build_absolute_uri(reverse("petitions-i18n:campaign", args=[page.campaign.slug]))
    context = page_context(
        request,
        page,
        figures=figures,
        campaign_url=campaign_url,
        campaign_address=campaign_url.split("://", 1)[-1],  # shorter to read out and type: browsers add the scheme
        qr_code=qr_svg(campaign_url),
        # Always in this page's language, whichever address the display was opened at.
        display_json_url=reverse("petitions-i18n:display_json", args=[page.campaign.slug]),
    )
    return render(request, "petitions/display.html", context)


@require_safe
@shared_response(browser_seconds=DISPLAY_MAX_AGE)
def display_json(request: HttpRequest, slug: str) -> JsonResponse:
    """What the display polls: counters, recent public first names and countries, in the page's language."""
    page = _page_or_404(slug)
    return JsonResponse(display_figures(page.campaign))


@require_safe
@shared_response(browser_seconds=COUNTER_MAX_AGE, page=False)
def counter_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Public counters for the page and for partner sites: CORS open, cached briefly."""
    body = public_counters(slug, get_language())
    if body is None:
        raise Http404("No such campaign")
    response = JsonResponse(body)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@personal_page
def receipt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A signer's private page: how each of their letters is doing; its one button switches the
    forwarding of targets' replies on or off."""
    signature = receipts.signature_for_token(token, slug=slug)
    if signature is None:
        raise Http404("This link is not valid any more")
    page = _page_or_404(slug)
    if request.method == "POST":
        receipts.set_forward_replies(signature, request.POST.get("forward_replies") == "on")
        return redirect(request.path)
    context = {
        "page": page,
        "campaign": page.campaign,
        "template": page.template,
        "signed_at": signature.created_at,
        "letters": receipts.letter_progress(signature),
        "forward_replies": signature.forward_replies,
        # A private page: the letters to send from one's own mailbox are written for this signer.
        "own_mail_letters": own_mail_letters(page.campaign, signature=signature)
        if page.campaign.offers_own_mailbox
        else (),
        "signer_known": True,
    }
    return render(request, "petitions/receipt.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@personal_page
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The page behind the confirmation link: GET shows a button, only its POST confirms (mail
    scanners fetch links, they do not press buttons). Never cached, never indexed."""
    signature = confirmations.signature_for_token(token, slug=slug)
    if signature is None:
        raise Http404("This confirmation link is not valid any more")
    page = _page_or_404(slug)
    if request.method == "POST":
        confirmations.confirm_signature(signature=signature)
        return redirect("petitions:confirm", slug=slug, token=token)
    context = {
        "page": page,
        "campaign": page.campaign,
        "template": page.template,
        "confirmed": signature.status == SignatureStatus.CONFIRMED,
        "counters": campaign_counters(page.campaign),
        "share_url": request.build_absolute_uri(f"/c/{page.campaign.slug}/"),
    }
    return render(request, "petitions/confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def my_data_request(request: HttpRequest) -> HttpResponse:
    """Ask for the link to one's signatures. Every address gets the same answer."""
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signer_requests.request_data_link(email=form.cleaned_data["email"])
        return redirect(f"{reverse('petitions:my_data_request')}?sent=1")
    return render(request, "petitions/my_data_request.html", {"form": form, "sent": "sent" in request.GET})


@require_http_methods(["GET", "HEAD", "POST"])
@personal_page
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """One address's signatures behind its private link: see them, download them, erase them."""
    key = signer_requests.key_for_token(token)
    if key is None:
        raise Http404("This link is not valid any more")
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signer_requests.erase_signatures(key=key)
        return redirect(f"{reverse('petitions:my_data', args=[token])}?erased=1")
    signatures = signer_requests.signatures_of(key).select_related("campaign").prefetch_related("campaign__templates")
    language = get_language()
    context = {
        # Each campaign under its public title in the visitor's language, never its internal name.
        "signatures": [
            (signature, template_for(signature.campaign, language), receipts.letter_progress(signature))
            for signature in signatures.order_by("-created_at")
        ],
        "form": form,
        "token": token,
        "erased": "erased" in request.GET,
    }
    return render(request, "petitions/my_data.html", context)


@require_safe
@personal_page
def my_data_export(request: HttpRequest, token: str) -> HttpResponse:
    key = signer_requests.key_for_token(token)
    if key is None:
        raise Http404("This link is not valid any more")
    response = JsonResponse(signer_requests.export_data(key), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-signatures.json"'
    return response
