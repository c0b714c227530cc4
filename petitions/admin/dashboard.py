"""The campaign dashboard page: figures and charts for one campaign the organiser may see."""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.tenancy import get_scoped_or_404
from petitions.models import Signature
from petitions.reporting.dashboard import bar_chart, campaign_dashboard
from petitions.tracking.figures import target_figures

REFRESH_SECONDS = 60


def dashboard_view(model_admin, request, campaign_id: int):
    campaign = get_scoped_or_404(Campaign.objects.select_related("organisation"), request.user, pk=campaign_id)
    dashboard = campaign_dashboard(campaign)
    signatures_url = reverse("admin:petitions_signature_changelist") + f"?campaign__id__exact={campaign.pk}"
    letters_url = reverse("admin:petitions_delivery_changelist") + f"?campaign__id__exact={campaign.pk}"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Dashboard: %(campaign)s") % {"campaign": campaign},
        "campaign": campaign,
        "dashboard": dashboard,
        "per_hour": bar_chart(dashboard.per_hour, label_format="%d %b %H:00"),
        "per_day": bar_chart(dashboard.per_day, label_format="%d %b"),
        "signatures_url": signatures_url,
        "letters_url": letters_url,
        "targets": target_figures(campaign),
        "refresh_seconds": REFRESH_SECONDS,
        "opts": Signature._meta,
    }
    return TemplateResponse(request, "admin/petitions/campaign_dashboard.html", context)
