"""The organisers' interface for campaigns: one form with targets, per-language letters and partners
inline, each organiser seeing only their organisations' rows (campaigns/tenancy.py)."""

from django.contrib import admin, messages
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, MessageTemplate, Organisation, Partner, Target
from campaigns.tenancy import ScopedInlineMixin, ScopedModelAdmin, organisation_ids


@admin.register(Organisation)
class OrganisationAdmin(ScopedModelAdmin):
    """Organisers may keep their organisation's details up to date; who belongs to it, and which
    organisations exist, is for superusers."""

    tenant_path = "pk"
    organiser_permissions = frozenset({"view", "change"})
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_readonly_fields(self, request, obj=None):
        if organisation_ids(request.user) is None:
            return super().get_readonly_fields(request, obj)
        return ["slug", "members"]

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if organisation_ids(request.user) is None else {}


class TargetInline(ScopedInlineMixin, admin.StackedInline):
    model = Target
    tenant_path = "campaign__organisation"
    extra = 0
    fieldsets = [
        (None, {"fields": [("name", "title"), ("email", "language"), "is_active"]}),
        (
            "Sending rules",
            {
                "fields": [
                    ("hourly_cap", "timezone"),
                    ("window_start", "window_end", "weekdays_only"),
                    "skip_dates",
                    "sending_paused",
                ],
                "description": "Mail systems stop accepting a sender at about 3,600 messages an hour "
                "and then drop its mail for a day: keep the cap well below that.",
            },
        ),
    ]


class MessageTemplateInline(ScopedInlineMixin, admin.StackedInline):
    model = MessageTemplate
    tenant_path = "campaign__organisation"
    extra = 0
    fields = ["language", "page_title", "summary", "story", "letter_subject", "letter_body"]


class PartnerInline(ScopedInlineMixin, admin.TabularInline):
    model = Partner
    tenant_path = "campaign__organisation"
    extra = 0
    fields = ["name", "code", "website", "logo", "position"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    tenant_path = "organisation"
    list_display = ["name", "organisation", "status", "starts_at", "ends_at", "goal"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MessageTemplateInline, TargetInline, PartnerInline]
    actions = ["export_signatures"]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "slug", "status", "default_language"]}),
        ("Dates and goal", {"fields": ["starts_at", "ends_at", "goal"]}),
        ("Page and sharing", {"fields": ["image", "share_text", "allow_personal_message", "consent_text"]}),
        ("Sending", {"fields": ["sending_paused", "bcc_email", "offer_signer_copy"]}),
    ]

    def get_changeform_initial_data(self, request):
        """An organiser of one organisation starts with it chosen."""
        initial = super().get_changeform_initial_data(request)
        ids = organisation_ids(request.user)
        if ids and len(ids) == 1:
            initial.setdefault("organisation", ids[0])
        return initial

    @admin.action(description=_("Export the signatures (CSV)"), permissions=["view"])
    def export_signatures(self, request, queryset):
        campaigns = list(queryset[:2])
        if len(campaigns) != 1:
            self.message_user(request, _("Choose exactly one campaign to export."), messages.WARNING)
            return None
        return redirect(reverse("admin:petitions_signature_export", args=[campaigns[0].pk]))
