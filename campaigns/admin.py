"""The organisers' interface for campaigns: one form with targets, per-language letters and partners
inline (a target's names per language on its own page: inlines do not nest), each organiser seeing
only their organisations' rows (campaigns/tenancy.py)."""

import functools
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns import readiness, services
from campaigns.enums import CampaignStatus
from campaigns.models import (
    Campaign,
    Endorser,
    MessageTemplate,
    Organisation,
    Partner,
    Target,
    TargetName,
    time_zone_names,
)
from campaigns.overview import overview_view
from campaigns.placeholders import PLACEHOLDERS
from campaigns.tenancy import ScopedInlineMixin, ScopedModelAdmin, organisation_ids
from outcry import adminconfirm


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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        if organisation_ids(request.user) is None:
            return super().get_readonly_fields(request, obj)
        # Who belongs is decided above the organisers.
        return ["slug", "members"]

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if organisation_ids(request.user) is None else {}


TIME_ZONE_LIST = "outcry-time-zones"  # the page's one <datalist> (templates/admin/campaigns/_time_zones.html)


class TargetForm(forms.ModelForm):
    """The time zone is typed with suggestions from the list of zones: "Bak" offers Asia/Baku."""

    class Meta:
        model = Target
        fields = ["timezone"]  # the admin names the rest (its fieldsets)
        widgets = {"timezone": forms.TextInput(attrs={"list": TIME_ZONE_LIST, "autocomplete": "off"})}


class TimeZoneListMixin:
    """Gives the change form the zone names for its datalist, once however many targets it has."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "time_zones": sorted(time_zone_names())}
        return super().changeform_view(request, object_id, form_url, extra_context)


TARGET_FIELDS = [("name", "title"), ("email", "language"), "is_active"]
SENDING_RULES = (
    _("Sending rules"),
    {
        "fields": [
            ("hourly_cap", "timezone"),
            ("window_start", "window_end", "weekdays_only"),
            "skip_dates",
            "sending_paused",
        ],
        "description": _(
            "Mail systems stop accepting a sender at about 3,600 messages an hour "
            "and then drop its mail for a day: keep the cap well below that."
        ),
    },
)


class TargetInline(ScopedInlineMixin, admin.StackedInline):
    model = Target
    form = TargetForm
    tenant_path = "campaign__organisation"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1  # a new campaign starts with a target to fill in

    fieldsets = [(None, {"fields": [*TARGET_FIELDS, "names_per_language"]}), SENDING_RULES]
    readonly_fields = ["names_per_language"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("names")

    @admin.display(description=_("name in other languages"))
    def names_per_language(self, target: Target) -> str:
        """Inlines do not nest: the names per language are edited on the target's own page."""
        if not target.pk:
            return _("Save the campaign first; then give the name in other languages on the target's page.")
        languages = ", ".join(row.language for row in target.names.all()) or _("none yet")
        url = reverse("admin:campaigns_target_change", args=[target.pk])
        return format_html('<a href="{}">{}</a> ({})', url, _("Names and titles per language"), languages)


class TargetNameInline(ScopedInlineMixin, admin.TabularInline):
    model = TargetName
    tenant_path = "target__campaign__organisation"
    extra = 1
    fields = ["language", "name", "title"]
    verbose_name = _("name in another language")
    verbose_name_plural = _("names in other languages")


@admin.register(Target)
class TargetAdmin(TimeZoneListMixin, ScopedModelAdmin):
    """A target's own page, for what does not fit inline in the campaign: its names per language.
    Targets are added and removed in the campaign."""

    tenant_path = "campaign__organisation"
    organiser_permissions = frozenset({"view", "change"})
    form = TargetForm
    list_display = ["name", "title", "campaign", "email", "language", "is_active"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    search_fields = ["name", "title", "email"]
    fieldsets = [(None, {"fields": ["campaign", *TARGET_FIELDS]}), SENDING_RULES]
    inlines = [TargetNameInline]

    def get_readonly_fields(self, request, obj=None):
        return ["campaign"] if obj else []


class MessageTemplateInline(ScopedInlineMixin, admin.StackedInline):
    """The page and letter per language, shown as tabs beside a live preview of the letters
    (templates/admin/campaigns/campaign/language_versions.html, static/admin/outcry/builder.js)."""

    model = MessageTemplate
    template = "admin/campaigns/campaign/language_versions.html"
    tenant_path = "campaign__organisation"
    fields = ["language", "page_title", "summary", "story", "letter_subject", "letter_body"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1  # a new campaign starts with its first language version open


# A partnership belongs to the campaign's organisation and to the partner's own organisation.
PARTNER_TENANT_PATH = ("campaign__organisation", "organisation")


class PartnerInline(ScopedInlineMixin, admin.StackedInline):
    model = Partner
    tenant_path = PARTNER_TENANT_PATH
    extra = 0
    # Stacked, two to a row: as a table its six columns made the page 2,074 px wide.
    fields = [("name", "code"), ("website", "position"), "logo", "organisation"]

    def get_readonly_fields(self, request, obj=None):
        """Linking an organisation gives its members the consenting signers of the partner's link:
        an administrator does it (organisers would otherwise see every organisation's name)."""
        if organisation_ids(request.user) is None:
            return super().get_readonly_fields(request, obj)
        return ["organisation"]

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class EndorserInline(ScopedInlineMixin, admin.StackedInline):
    """Organisations that endorse the campaign, listed with their logos on its page."""

    model = Endorser
    tenant_path = "campaign__organisation"
    extra = 0
    fields = [("name", "position"), ("website", "logo"), "statement"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Campaign)
class CampaignAdmin(TimeZoneListMixin, ScopedModelAdmin):
    tenant_path = "organisation"
    list_display = ["name", "organisation", "status", "starts_at", "ends_at", "signatures", "goal", "dashboard"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MessageTemplateInline, TargetInline, PartnerInline, EndorserInline]
    actions = ["publish", "pause", "resume", "close", "duplicate", "export_signatures"]
    # The status moves only through the lifecycle buttons (overview page, list actions), so that
    # Publish checks the campaign is ready and Close for good asks, wherever it is pressed.
    readonly_fields = ["public_address", "status"]
    # In writing order (templates/admin/campaigns/campaign/change_form.html puts the page and letter
    # and the targets right after the first fieldset); what has good defaults is folded, last.
    fieldsets = [
        (None, {"fields": [("name", "organisation"), ("slug", "default_language"), "public_address", "status"]}),
        (_("Dates and goal"), {"fields": [("starts_at", "ends_at"), "goal"]}),
        (
            _("Page and sharing"),
            {"fields": ["image", "share_text", "allow_personal_message", "consent_text", "share_with_partners"]},
        ),
        (
            _("Signers' safety"),
            {
                "fields": ["signers_at_risk"],
                "description": _(
                    "Governments and employers written to may try to find out who signed. With "
                    "this on, a signature counts, shows and sends only once its signer confirms by email, so "
                    "signing with someone else's address reveals nothing."
                ),
            },
        ),
        (
            _("Advanced: sending"),
            {
                "fields": [
                    "sending_paused",
                    ("delivery_mode", "digest_period"),
                    "bcc_email",
                    "offer_signer_copy",
                ],
                "description": _(
                    "In digest mode each target gets one letter per period naming every new "
                    "signer, with their messages: the pressure of every signature without tripping the "
                    "target's mail limits."
                ),
                "classes": ["collapse"],
            },
        ),
        (
            _("Advanced: abuse defences"),
            {
                "fields": [
                    ("abuse_honeypot", "abuse_min_fill_seconds", "abuse_captcha"),
                    ("abuse_ip_hourly_limit", "abuse_email_daily_limit", "abuse_domain_hourly_limit"),
                    "abuse_block_disposable",
                ],
                "description": _(
                    "Suspect signatures are held silently: stored, not counted, no letter, "
                    "and their sender sees the usual thank-you page. Review them under Signatures."
                ),
                "classes": ["collapse"],
            },
        ),
        (_("Advanced: notices"), {"fields": ["daily_summary"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # The public count is the sum of the campaign's counter shards (a fixed number of rows).
        # An aggregate drops Meta.ordering: order again, or pages (autocomplete too) are unstable.
        queryset = super().get_queryset(request).annotate(signature_total=Sum("counter_shards__signatures"))
        return queryset.order_by(*Campaign._meta.ordering, "pk")

    @admin.display(description=_("public address"))
    def public_address(self, campaign: Campaign) -> str:
        if not campaign.pk:
            return _("Shown once the campaign is saved.")
        url = settings.SITE_URL + reverse("petitions:campaign", kwargs={"slug": campaign.slug})
        if campaign.status == CampaignStatus.DRAFT:
            return format_html("{} ({})", url, _("a draft: only organisers see it, through View on site"))
        return format_html('<a href="{}">{}</a>', url, url)

    def view_on_site(self, campaign: Campaign) -> str:
        """The public page; for a draft, which the public cannot see yet, its preview."""
        if campaign.status == CampaignStatus.DRAFT:
            return reverse("admin:petitions_signature_page_preview", args=[campaign.pk])
        return reverse("petitions:campaign", kwargs={"slug": campaign.slug})

    @admin.display(description=_("signatures"), ordering="signature_total")
    def signatures(self, campaign: Campaign) -> int:
        return campaign.signature_total or 0

    @admin.display(description=_("dashboard"))
    def dashboard(self, campaign: Campaign) -> str:
        url = reverse("admin:petitions_signature_dashboard", args=[campaign.pk])
        return format_html('<a href="{}">{}</a>', url, _("Dashboard"))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        builder = {
            "placeholders": [{"name": name, "help": str(text)} for name, text in PLACEHOLDERS.items()],
            "live_preview_url": reverse("admin:petitions_delivery_live_preview"),
            "texts": {
                "languages": _("Languages"),
                "new_language": _("New language"),
                "add_language": _("Add a language"),
                "to_delete": _("to be deleted"),
                "has_errors": _("This language has errors to correct."),
                "insert": _("Insert:"),
                "to": _("To:"),
                "inactive": _("inactive: receives nothing"),
                "preview_failed": _("The preview could not be made."),
            },
        }
        return super().changeform_view(request, object_id, form_url, {**(extra_context or {}), "builder": builder})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new campaign's first language version is in the language the organiser uses the admin in."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MessageTemplateInline) and not obj.pk and request.method == "GET":
            kwargs["initial"] = [{"language": self.get_changeform_initial_data(request)["default_language"]}]
        return kwargs

    def get_urls(self):
        overview = self.admin_site.admin_view(functools.partial(overview_view, self))
        return [path("<int:campaign_id>/overview/", overview, name="campaigns_campaign_overview"), *super().get_urls()]

    def _overview_unless_staying(self, request, campaign, response):
        """Save goes to the overview (what is missing, Publish, the link); the other buttons keep
        the admin's own behaviour."""
        if any(key in request.POST for key in ("_continue", "_addanother", "_saveasnew", "_popup")):
            return response
        return redirect(reverse("admin:campaigns_campaign_overview", args=[campaign.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        return self._overview_unless_staying(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._overview_unless_staying(request, obj, super().response_change(request, obj))

    def get_changeform_initial_data(self, request):
        """An organiser of one organisation starts with it chosen, and writes first in the language
        they use the admin in."""
        initial = super().get_changeform_initial_data(request)
        ids = organisation_ids(request.user)
        if ids and len(ids) == 1:
            initial.setdefault("organisation", ids[0])
        language = get_language()
        initial.setdefault("default_language", language if language in dict(settings.LANGUAGES) else "en")
        return initial

    @admin.action(description=_("Export the signatures (CSV)"), permissions=["view"])
    def export_signatures(self, request, queryset):
        campaigns = list(queryset[:2])
        if len(campaigns) != 1:
            self.message_user(request, _("Choose exactly one campaign to export."), messages.WARNING)
            return None
        return redirect(reverse("admin:petitions_signature_export", args=[campaigns[0].pk]))

    def _move(self, request, queryset, status: str) -> None:
        moved, refused = 0, []
        for campaign in queryset:
            try:
                moved += services.change_campaign_status(campaign=campaign, status=status)
            except services.InvalidTransition as exc:
                refused.append(f"{campaign}: {exc}")
        label = CampaignStatus(status).label.lower()
        if moved:
            self.message_user(request, _("%(count)d campaign(s) now %(status)s.") % {"count": moved, "status": label})
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Publish (draft to live)"), permissions=["change"])
    def publish(self, request, queryset):
        ready = []
        for campaign in queryset.filter(status=CampaignStatus.DRAFT).prefetch_related("templates", "targets"):
            missing = readiness.missing_before_live(campaign)
            if missing:
                problems = " ".join(missing)
                message = _("%(campaign)s stays a draft: %(missing)s") % {"campaign": campaign, "missing": problems}
                self.message_user(request, message, messages.WARNING)
            else:
                ready.append(campaign.pk)
        self._move(request, queryset.filter(pk__in=ready), CampaignStatus.LIVE)

    @admin.action(description=_("Pause"), permissions=["change"])
    def pause(self, request, queryset):
        self._move(request, queryset, CampaignStatus.PAUSED)

    @admin.action(description=_("Resume (paused to live)"), permissions=["change"])
    def resume(self, request, queryset):
        self._move(request, queryset.filter(status=CampaignStatus.PAUSED), CampaignStatus.LIVE)

    @admin.action(description=_("Close for good"), permissions=["change"])
    def close(self, request, queryset):
        if adminconfirm.confirmed(request):
            self._move(request, queryset, CampaignStatus.CLOSED)
            return None
        closing = [campaign for campaign in queryset if campaign.status != CampaignStatus.CLOSED]
        erased_on = timezone.localdate() + timedelta(days=settings.SIGNER_DATA_RETENTION_DAYS)
        consequences = [
            _("Campaigns that stop taking signatures, for good: %(count)s (%(names)s).")
            % {"count": len(closing), "names": ", ".join(str(campaign) for campaign in closing) or "-"},
            _("Their signatures, %(count)s, stay counted and on their pages. Letters still waiting are sent.")
            % {"count": sum(campaign.signature_total or 0 for campaign in closing)},
            _("The signers' names, addresses and messages are erased on %(date)s, %(days)s days from now.")
            % {"date": date_format(erased_on), "days": settings.SIGNER_DATA_RETENTION_DAYS},
        ]
        already = len(queryset) - len(closing)
        if already:
            consequences.append(_("Already closed, unchanged: %(count)s.") % {"count": already})
        return adminconfirm.confirmation_page(
            self,
            request,
            queryset,
            action="close",
            title=_("Close for good?"),
            consequences=consequences,
            confirm_label=_("Yes, close for good"),
            can_confirm=bool(closing),
        )

    @admin.action(description=_("Duplicate (a draft copy with letters, targets and partners)"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [services.duplicate_campaign(campaign=campaign) for campaign in queryset[:20]]
        if len(copies) == 1:
            self.message_user(request, _("Created the draft %(name)s.") % {"name": copies[0]})
            return redirect(reverse("admin:campaigns_campaign_change", args=[copies[0].pk]))
        self.message_user(request, _("Created %(count)d draft copies.") % {"count": len(copies)})
        return None


@admin.register(Partner)
class PartnerAdmin(ScopedModelAdmin):
    """Partnerships, for both sides: the campaign's organisers (who edit them in the campaign) and the
    partner organisations' members, who find here their share link and, where the campaign shares,
    the export of the consenting signers their link brought."""

    tenant_path = PARTNER_TENANT_PATH
    organiser_permissions = frozenset({"view"})
    list_display = ["name", "campaign", "organisation", "share_link", "export"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "organisation"]
    search_fields = ["name", "code"]
    fields = ["campaign", "name", "code", "website", "logo", "organisation", "share_link", "export"]
    readonly_fields = fields

    @admin.display(description=_("share link"))
    def share_link(self, partner: Partner) -> str:
        return f"{settings.SITE_URL}/c/{partner.campaign.slug}/?ref={partner.code}"

    @admin.display(description=_("export"))
    def export(self, partner: Partner) -> str:
        url = reverse("admin:petitions_signature_partner_export", args=[partner.pk])
        shared = partner.campaign.share_with_partners
        label = _("Consenting signers (CSV)") if shared else _("Count (signers not shared)")
        return format_html('<a href="{}">{}</a>', url, label)
