"""The campaign's overview: where an organiser lands after saving, and what to do next.

One page with the state of the campaign, what is missing before it can go live, the lifecycle
buttons (the changelist's own actions, so Publish checks and Close for good asks the same way
everywhere), the public link, the share text, the embed code and a test letter to yourself.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns import readiness, translations
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from campaigns.roles import Can
from campaigns.tenancy import get_scoped_or_404, may

# The buttons each status offers, as (action, label); the labels are the actions' own.
LIFECYCLE = {
    CampaignStatus.DRAFT: ["publish", "rehearse", "end_rehearsal"],
    CampaignStatus.LIVE: ["pause", "close"],
    CampaignStatus.PAUSED: ["resume", "close"],
    CampaignStatus.CLOSED: [],
}


STAYING = ("_continue", "_addanother", "_saveasnew", "_popup")


def after_save(request, campaign_id: int, response):
    """Save goes to the campaign's overview (what is missing, Publish, the languages' states); the
    admin's other buttons keep their own `response`."""
    if any(key in request.POST for key in STAYING):
        return response
    return redirect(reverse("admin:campaigns_campaign_overview", args=[campaign_id]))


def public_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("petitions:campaign", kwargs={"slug": campaign.slug})


def display_url(campaign: Campaign) -> str:
    """The big-screen display of the public pages (/c/<slug>/display/), for a projector at a demonstration."""
    return settings.SITE_URL + reverse("petitions:display", kwargs={"slug": campaign.slug})


def overview_view(model_admin, request, campaign_id: int):
    campaign = get_scoped_or_404(
        Campaign.objects.select_related("organisation").prefetch_related("templates", "targets"),
        request.user,
        pk=campaign_id,
    )
    if not model_admin.has_view_permission(request, campaign):
        raise PermissionDenied
    here = reverse("admin:campaigns_campaign_overview", args=[campaign.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in LIFECYCLE[CampaignStatus(campaign.status)] or not model_admin.has_change_permission(
            request, campaign
        ):
            raise PermissionDenied
        response = getattr(model_admin, action)(request, model_admin.get_queryset(request).filter(pk=campaign.pk))
        return response or redirect(here)
    may_edit = model_admin.has_change_permission(request, campaign)
    actions = model_admin.get_actions(request)
    steps = readiness.steps(campaign)
    targets = [target for target in campaign.targets.all() if target.is_active]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("%(campaign)s: overview") % {"campaign": campaign},
        "campaign": campaign,
        "original": campaign,
        "opts": Campaign._meta,
        "phase": campaign.phase(),
        "required": [step for step in steps if step.required],
        "advice": [step for step in steps if not step.required],
        "missing": [step.text for step in steps if step.required and not step.done],
        "buttons": [
            (action, actions[action][2])
            for action in LIFECYCLE[campaign.status]
            if action not in ("rehearse", "end_rehearsal")
        ]
        if may_edit
        else [],
        "may_edit": may_edit,
        "may_rehearse": may_edit and campaign.status == CampaignStatus.DRAFT,
        "public_url": public_url(campaign),
        "display_url": display_url(campaign),
        "is_draft": campaign.status == CampaignStatus.DRAFT,
        "test_targets": targets,
        "translations": translations.campaign_states(campaign),
        "may_translate": may(request.user, Can.TRANSLATE, campaign),
        "your_email": request.user.email,
    }
    return TemplateResponse(request, "admin/campaigns/campaign/overview.html", context)
