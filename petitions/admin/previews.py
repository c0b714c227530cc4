"""Previews for organisers: each target's letter as it will be sent, and the public page of a draft."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.enums import DeliveryMode
from campaigns.models import Campaign
from campaigns.selectors import preview_campaign_page
from campaigns.tenancy import get_scoped_or_404
from petitions.mail import letters
from petitions.reporting.public import recent_signers
from petitions.web import views


def letter_previews(campaign: Campaign) -> list[dict]:
    """Per target: the message that would be sent (sample signer, or a sample digest in digest mode),
    or why it cannot be built."""
    previews = []
    for target in campaign.targets.all():
        try:
            message = letters.build_sample_letter(campaign=campaign, target=target)
        except Exception as exc:  # noqa: BLE001 - shown to the organiser, who can fix the letter
            previews.append({"target": target, "error": str(exc)})
            continue
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
        previews.append(
            {
                "target": target,
                "from": message.from_email,
                "to": ", ".join(message.to),
                "bcc": ", ".join(message.bcc),
                "subject": message.subject,
                "text": message.body,
                "html": html,
            }
        )
    return previews


def letter_preview_view(model_admin, request, campaign_id: int):
    campaign = get_scoped_or_404(Campaign.objects.all(), request.user, pk=campaign_id)
    if not model_admin.has_view_permission(request):
        return redirect("admin:index")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Letter preview: %(campaign)s") % {"campaign": campaign},
        "campaign": campaign,
        "previews": letter_previews(campaign),
        "sample": letters.SAMPLE_SIGNER,
        "digest_mode": campaign.delivery_mode == DeliveryMode.DIGEST,
        "opts": Campaign._meta,
    }
    return TemplateResponse(request, "admin/petitions/letter_preview.html", context)


def page_preview_view(model_admin, request, campaign_id: int):
    """The public page as it will look, drafts included; its form does nothing here (GET only)."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    campaign = get_scoped_or_404(Campaign.objects.all(), request.user, pk=campaign_id)
    page = preview_campaign_page(campaign.pk, get_language())
    if page is None or page.template is None:
        raise Http404(_("Give the campaign a page title and story (a message template) first."))
    # The public view's own context, shown as if the campaign were open: the page as signers will see it.
    context = views.page_context(
        request,
        page,
        form=views.sign_form(page),
        recent_signers=recent_signers(page.campaign),
        open=True,
        preview=True,
    )
    response = TemplateResponse(request, "admin/petitions/page_preview.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
