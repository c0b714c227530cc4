"""Public petition views. Thin: parse, call one service or selector, redirect or render."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.enums import CampaignPhase, DeliveryMode
from campaigns.selectors import CampaignPage, campaign_page
from petitions import confirmations, data_requests, receipts, services
from petitions.enums import SignatureStatus
from petitions.forms import DEFAULT_CONSENT_TEXT, DataRequestForm, EraseForm, SignForm
from petitions.privacy import client_ip
from petitions.selectors import campaign_counters, public_counters

COUNTER_MAX_AGE = 5
THANKS_CACHE_SECONDS = 2


def _page_or_404(slug: str) -> CampaignPage:
    page = campaign_page(slug, get_language())
    if page is None or page.template is None:
        raise Http404("No such campaign")
    return page


def _sign_form(page: CampaignPage, data=None) -> SignForm:
    campaign = page.campaign
    return SignForm(
        data,
        allow_message=campaign.allow_personal_message,
        consent_text=campaign.consent_text,
        offer_copy=campaign.offer_signer_copy,
    )


@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign page; its form posts back here (or to the sign URL, which is the same view)."""
    page = _page_or_404(slug)
    campaign = page.campaign
    form = _sign_form(page, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_petition(
                campaign=campaign,
                data=form.cleaned_data,
                language=get_language(),
                client_ip=client_ip(request),
                consent_text=str(campaign.consent_text or DEFAULT_CONSENT_TEXT),
                source=request.GET.get("ref", ""),
            )
        except services.AlreadySigned:
            pass  # the same page as a new signature: the response never tells who has signed
        except services.CampaignNotOpen:
            form.add_error(None, _("This campaign is not accepting signatures right now."))
        if not form.errors:
            return redirect("petitions:thanks", slug=campaign.slug)
    phase = campaign.phase()
    context = {
        "page": page,
        "campaign": campaign,
        "template": page.template,
        "phase": phase,
        "open": phase == CampaignPhase.OPEN,
        "counters": campaign_counters(campaign),
        "form": form,
    }
    return render(request, "petitions/campaign_detail.html", context, status=200)


@require_GET
@cache_page(THANKS_CACHE_SECONDS)
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The same for every signer (nothing personal on it), so it is cached whole for a moment; its
    script refreshes the counters a few seconds after loading, to count the signer who just signed."""
    page = _page_or_404(slug)
    context = {
        "page": page,
        "campaign": page.campaign,
        "template": page.template,
        "counters": campaign_counters(page.campaign),
        "refresh_counters_after_ms": 3000,
        "digest": page.campaign.delivery_mode == DeliveryMode.DIGEST,
        "share_url": request.build_absolute_uri(f"/c/{page.campaign.slug}/"),
    }
    return render(request, "petitions/thanks.html", context)


@require_GET
def counter_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Public counters for the page and for partner sites: CORS open, cached briefly."""
    body = public_counters(slug, get_language())
    if body is None:
        raise Http404("No such campaign")
    response = JsonResponse(body)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=COUNTER_MAX_AGE)
    return response


@require_GET
def receipt(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A signer's private page: how each of their letters is doing."""
    signature = receipts.signature_for_token(token, slug=slug)
    if signature is None:
        raise Http404("This link is not valid any more")
    page = _page_or_404(slug)
    context = {
        "page": page,
        "campaign": page.campaign,
        "template": page.template,
        "signed_at": signature.created_at,
        "letters": receipts.letter_progress(signature),
    }
    return _private(render(request, "petitions/receipt.html", context))


@require_http_methods(["GET", "POST"])
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
    return _private(render(request, "petitions/confirm.html", context))


def _private(response: HttpResponse) -> HttpResponse:
    """A signer's own page, reached by a private link: not stored, not indexed, and the link in its
    address is not passed on to other sites."""
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def my_data_request(request: HttpRequest) -> HttpResponse:
    """Ask for the link to one's signatures. Every address gets the same answer."""
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_requests.request_data_link(email=form.cleaned_data["email"])
        return redirect(f"{reverse('petitions:my_data_request')}?sent=1")
    return render(request, "petitions/my_data_request.html", {"form": form, "sent": "sent" in request.GET})


@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """One address's signatures behind its private link: see them, download them, erase them."""
    key = data_requests.key_for_token(token)
    if key is None:
        raise Http404("This link is not valid any more")
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_requests.erase_signatures(key=key)
        return redirect(f"{reverse('petitions:my_data', args=[token])}?erased=1")
    signatures = list(data_requests.signatures_of(key).select_related("campaign").order_by("-created_at"))
    context = {
        "signatures": [(signature, receipts.letter_progress(signature)) for signature in signatures],
        "form": form,
        "token": token,
        "erased": "erased" in request.GET,
    }
    return _private(render(request, "petitions/my_data.html", context))


@require_GET
def my_data_export(request: HttpRequest, token: str) -> HttpResponse:
    key = data_requests.key_for_token(token)
    if key is None:
        raise Http404("This link is not valid any more")
    response = JsonResponse(data_requests.export_data(key), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-signatures.json"'
    return _private(response)
