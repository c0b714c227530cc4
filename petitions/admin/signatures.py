"""The signature list: search by name or exact email, filters, and the campaign's CSV export."""

from datetime import timedelta
from functools import partial

from django.contrib import admin
from django.core.cache import cache
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Campaign, Partner
from campaigns.roles import Can
from campaigns.tenancy import get_scoped_or_404, organisation_ids, scoped
from petitions.admin.base import ReadOnlyAdmin
from petitions.admin.dashboard import dashboard_view
from petitions.admin.erasure import ErasureActionMixin
from petitions.admin.moderation import ModerationActionsMixin
from petitions.admin.previews import page_preview_view
from petitions.models import Signature
from petitions.privacy import exports
from petitions.reporting.public import campaign_counters, signatures_through


class PartnerFilter(admin.SimpleListFilter):
    """By the partner link the signer came through (the signature's source code)."""

    title = _("partner")
    parameter_name = "partner"
    NONE = "-"

    def lookups(self, request, model_admin):
        partners = scoped(Partner.objects.select_related("campaign"), request.user)
        campaign_id = request.GET.get("campaign__id__exact")
        if campaign_id and campaign_id.isdigit():
            partners = partners.filter(campaign_id=campaign_id)
        choices = {partner.code: f"{partner.name} ({partner.code})" for partner in partners.order_by("name")}
        return [(self.NONE, _("No partner link")), *choices.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(source="")
        if value:
            return queryset.filter(source=value)
        return queryset


class PaperImportFilter(admin.SimpleListFilter):
    """The signers of one paper import (linked from its page); no choices of its own in the sidebar."""

    title = _("paper import")
    parameter_name = "paper_batch"

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return False

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(paper_batch_id=value) if value and value.isdigit() else queryset


class SignedWithinFilter(admin.SimpleListFilter):
    """Recent signatures, by a range on the indexed created_at (no per-date aggregate over all rows)."""

    title = _("signed")
    parameter_name = "signed"
    RANGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}

    def lookups(self, request, model_admin):
        return [
            ("1h", _("In the past hour")),
            ("24h", _("In the past 24 hours")),
            ("7d", _("In the past 7 days")),
            ("30d", _("In the past 30 days")),
            ("older", _("More than 30 days ago")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() in self.RANGES:
            return queryset.filter(created_at__gte=now - self.RANGES[self.value()])
        if self.value() == "older":
            return queryset.filter(created_at__lt=now - self.RANGES["30d"])
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """By country, listing only the countries the organiser's signatures (in the chosen campaign)
    come from, not all 250. Read once a minute per scope: a million rows take a scan."""

    title = _("country")
    parameter_name = "country"
    SECONDS = 60

    def lookups(self, request, model_admin):
        signatures = scoped(Signature.objects.all(), request.user)
        campaign_id = request.GET.get("campaign__id__exact")
        if campaign_id and campaign_id.isdigit():
            signatures = signatures.filter(campaign_id=campaign_id)
        ids = organisation_ids(request.user)
        scope = "all" if ids is None else ",".join(map(str, sorted(ids)))
        key = f"admin-countries:{scope}:{campaign_id or ''}"
        codes = cache.get(key)
        if codes is None:
            codes = sorted(set(signatures.order_by().values_list("country", flat=True).distinct()) - {""})
            cache.set(key, codes, self.SECONDS)
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


@admin.register(Signature)
class SignatureAdmin(ErasureActionMixin, ModerationActionsMixin, ReadOnlyAdmin):
    tenant_path = "campaign__organisation"
    # Signers' names and addresses are for the roles that may see them; moderating is editing.
    organiser_permissions = frozenset({"view", "moderate", "erase"})
    organiser_capabilities = {
        **ReadOnlyAdmin.organiser_capabilities,
        "view": Can.SEE_SIGNERS,
        "moderate": Can.EDIT,
        "erase": Can.ERASE,
    }
    actions = [*ModerationActionsMixin.actions, "erase_signers"]
    list_display = [
        "id",
        "first_name",
        "last_name",
        "country",
        "status",
        "hold_reasons",
        "consent_to_contact",
        "source",
        "campaign",
        "created_at",
    ]
    # Sorting a million rows by an unindexed column would take seconds: only indexed orders.
    sortable_by = ["id", "created_at"]
    list_display_links = ["id", "first_name"]
    list_filter = [
        "campaign",
        "status",
        "consent_to_contact",
        PartnerFilter,
        SignedWithinFilter,
        CountryFilter,
        PaperImportFilter,
    ]
    list_select_related = ["campaign"]
    list_per_page = 50
    search_fields = ["first_name", "last_name"]
    search_help_text = _(
        "A full email address finds that signer exactly; otherwise signers whose name has every word typed."
    )
    exclude = ["ip_hash", "email_hash", "paper_batch"]

    def has_moderate_permission(self, request) -> bool:
        """Organisers review their own campaigns' held and spam signatures (the rows are scoped)."""
        return self._permission("moderate", request, lambda: request.user.has_perm("petitions.change_signature"))

    def get_search_results(self, request, queryset, search_term):
        """Names and addresses are encrypted at rest: an address is matched through its keyed hash
        (indexed, exact), a name through the keyed tokens of its words (whole words, any order)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.with_email(term), False
        return queryset.named(" ".join(term.split()[:4])), False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        dashboard = self.admin_site.admin_view(partial(dashboard_view, self))
        page = self.admin_site.admin_view(partial(page_preview_view, self))
        return [
            path("export/<int:campaign_id>/", export, name="petitions_signature_export"),
            path(
                "partner-export/<int:partner_id>/",
                self.admin_site.admin_view(self.partner_export_view),
                name="petitions_signature_partner_export",
            ),
            path("dashboard/<int:campaign_id>/", dashboard, name="petitions_signature_dashboard"),
            path("page-preview/<int:campaign_id>/", page, name="petitions_signature_page_preview"),
            *super().get_urls(),
        ]

    def export_view(self, request, campaign_id: int):
        """The owning organisation's export of every signer of a campaign."""
        campaign = get_scoped_or_404(
            Campaign.objects.select_related("organisation"), request.user, can=Can.EXPORT, pk=campaign_id
        )
        return self._export(request, campaign, partner=None)

    def partner_export_view(self, request, partner_id: int):
        """A partner organisation's view: its own link's count, and the export of the consenting
        signers it brought if the campaign shares them."""
        partner = get_scoped_or_404(
            Partner.objects.select_related("campaign"), request.user, can=Can.EXPORT, pk=partner_id
        )
        if not partner.campaign.share_with_partners and request.method == "POST":
            raise Http404("The campaign does not share its signers with partners.")
        return self._export(request, partner.campaign, partner=partner)

    def _export(self, request, campaign: Campaign, *, partner: Partner | None):
        """GET: what the export holds; POST: the CSV, streamed, logged in the export audit log."""
        if request.method == "POST":
            lines = exports.export_signatures_csv(
                campaign=campaign,
                partner=partner,
                user=request.user,
                actor=request.user.get_username(),
                via="admin",
            )
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
            filename = exports.export_filename(campaign, partner)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
        shared = partner is None or campaign.share_with_partners
        rows, size = exports.export_size(campaign, partner) if shared else (0, 0)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export signatures: %(campaign)s") % {"campaign": campaign},
            "campaign": campaign,
            "partner": partner,
            "counters": campaign_counters(campaign),
            "shared": shared,
            "rows": rows,
            "size": size,
            "through_link": signatures_through(partner) if partner is not None else None,
            "columns": exports.COLUMNS,
            "log_url": reverse("admin:petitions_signatureexport_changelist") + f"?campaign__id__exact={campaign.pk}",
            "opts": Signature._meta,
        }
        return TemplateResponse(request, "admin/petitions/signature_export.html", context)
