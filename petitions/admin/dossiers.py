"""Delivery dossiers in admin: asked for on a campaign's page, built by a worker, downloaded by the
roles that may export signers (the files list first names)."""

from csp.constants import NONE
from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.roles import Can
from campaigns.tenancy import get_scoped_or_404
from petitions.admin.base import ReadOnlyAdmin
from petitions.enums import DossierState
from petitions.models import Dossier
from petitions.privacy import dossier as dossiers

KINDS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
REFRESH_SECONDS = 2


class DossierForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Target"),
        queryset=None,
        required=False,
        empty_label=pgettext_lazy("the dossier's target", "All targets"),
        help_text=_("The letters' log of this target alone, or of every target."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    include_message_ids = forms.BooleanField(
        label=_("List each letter's message id"),
        required=False,
        help_text=_("For a target's mail administrators, who can find each letter in their system by it."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = campaign.targets.order_by("name", "pk")
        self.fields["language"].initial = campaign.default_language


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    tenant_path = "campaign__organisation"
    organiser_capabilities = {**ReadOnlyAdmin.organiser_capabilities, "view": Can.EXPORT}
    list_display = ["created_at", "campaign", "target", "language", "state", "progress_link", "requested_by"]
    list_filter = ["campaign", "state"]
    list_select_related = ["campaign", "target", "requested_by"]
    fields = ["campaign", "target", "language", "include_message_ids", "state", "requested_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("files"))
    def progress_link(self, dossier: Dossier) -> str:
        url = reverse("admin:petitions_dossier_progress", args=[dossier.pk])
        label = gettext("Download") if dossier.state == DossierState.READY else f"{dossier.percent} %"
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("prepare/<int:campaign_id>/", view(self.prepare_view), name="petitions_dossier_prepare"),
            path("<int:dossier_id>/progress/", view(self.progress_view), name="petitions_dossier_progress"),
            path("<int:dossier_id>/<str:kind>/", view(self.download_view), name="petitions_dossier_download"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def prepare_view(self, request, campaign_id: int):
        """GET: the choices and the campaign's earlier dossiers; POST: a new one, to its progress page."""
        campaign = get_scoped_or_404(Campaign.objects.all(), request.user, can=Can.EXPORT, pk=campaign_id)
        form = DossierForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            dossier = dossiers.request_dossier(campaign=campaign, user=request.user, **form.cleaned_data)
            return redirect("admin:petitions_dossier_progress", dossier.pk)
        context = self._context(
            request,
            title=gettext("Prepare a delivery dossier: %(campaign)s") % {"campaign": campaign},
            campaign=campaign,
            form=form,
            earlier=campaign.dossiers.select_related("target")[:10],
        )
        return TemplateResponse(request, "admin/petitions/dossier_prepare.html", context)

    def _dossier(self, request, dossier_id: int) -> Dossier:
        queryset = Dossier.objects.select_related("campaign", "target")
        return get_scoped_or_404(queryset, request.user, can=Can.EXPORT, pk=dossier_id)

    def progress_view(self, request, dossier_id: int):
        """How far the worker is; the page reloads itself until the files are ready."""
        dossier = self._dossier(request, dossier_id)
        dossiers.ring_again(dossier)
        context = self._context(
            request,
            title=gettext("Delivery dossier: %(campaign)s") % {"campaign": dossier.campaign},
            dossier=dossier,
            campaign=dossier.campaign,
            refresh=REFRESH_SECONDS if dossier.state in (DossierState.QUEUED, DossierState.BUILDING) else None,
        )
        return TemplateResponse(request, "admin/petitions/dossier_progress.html", context)

    @csp({"default-src": [NONE], "frame-ancestors": [NONE], "sandbox": True})
    def download_view(self, request, dossier_id: int, kind: str):
        dossier = self._dossier(request, dossier_id)
        file = getattr(dossier, kind) if kind in KINDS else None
        if dossier.state != DossierState.READY or not file:
            raise Http404("No such file.")
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise Http404("No such file.") from None
        dossiers.record_download(dossier, request.user)
        name = f"dossier-{dossier.campaign.slug}-{dossier.pk}.{kind}"
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=KINDS[kind])
        return response
