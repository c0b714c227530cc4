"""The organisers' interface for campaigns: one form with targets, per-language letters and partners
inline (a target's names per language on its own page: inlines do not nest), each organiser seeing
only their organisations' rows (campaigns/tenancy.py)."""

import functools
import zoneinfo
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns import (
    days_off,
    readiness,
    services,
    targetadmin,
    translating,  # also registers the translators' page
    translations,
)
from campaigns.date_list import DateListField
from campaigns.enums import CampaignStatus
from campaigns.models import (
    Campaign,
    Endorser,
    Membership,
    MessageTemplate,
    Organisation,
    Partner,
    Target,
    TargetName,
    time_zone_names,
)
from campaigns.overview import after_save, overview_view
from campaigns.placeholders import PLACEHOLDERS
from campaigns.roles import Can
from campaigns.tenancy import ScopedInlineMixin, ScopedModelAdmin, organisation_ids
from outcry import adminconfirm


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    """Who belongs to the organisation, and their role. Superusers add members and set roles (the
    accounts are theirs to create); members see the list."""

    model = Membership
    tenant_path = "organisation"
    organiser_permissions = frozenset({"view"})
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedModelAdmin):
    """Owners may keep their organisation's details up to date; who belongs to it, and which
    organisations exist, is for superusers."""

    tenant_path = "pk"
    organiser_permissions = frozenset({"view", "change"})
    organiser_capabilities = {**ScopedModelAdmin.organiser_capabilities, "change": Can.MANAGE}
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "website", "notify_email"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        if organisation_ids(request.user) is None:
            return super().get_readonly_fields(request, obj)
        return ["slug"]  # its address in exports and logs: changed by superusers only

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if organisation_ids(request.user) is None else {}


TIME_ZONE_LIST = "outcry-time-zones"  # the page's one <datalist> (templates/admin/campaigns/_time_zones.html)


class TargetForm(forms.ModelForm):
    """The time zone is typed with suggestions from the list of zones: "Bak" offers Asia/Baku; the
    state or region with suggestions for the chosen country (static/admin/outcry/holidays.js)."""

    class Meta:
        model = Target
        fields = ["timezone"]  # the admin names the rest (its fieldsets)
        field_classes = {"skip_dates": DateListField}
        widgets = {
            "timezone": forms.TextInput(attrs={"list": TIME_ZONE_LIST, "autocomplete": "off", "data-holiday-zone": ""}),
            "holiday_country": forms.Select(attrs={"data-holiday-country": ""}),
            "holiday_subdivision": forms.TextInput(attrs={"autocomplete": "off", "data-holiday-subdivision": ""}),
            "postcodes": forms.Textarea(attrs={"rows": 2}),
        }

    class Media:
        js = ["admin/outcry/holidays.js"]
        css = {"all": ["admin/outcry/holidays.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "holiday_country" in self.fields:
            no_country = ("", _("No country: no public holidays"))
            self.fields["holiday_country"].choices = [no_country, *days_off.country_choices()]
        if "holiday_subdivision" in self.fields:
            country = self["holiday_country"].value() if "holiday_country" in self.fields else ""
            self.fields["holiday_subdivision"].widget.attrs["list"] = subdivision_list_id(country or "")


def subdivision_list_id(country: str) -> str:
    """The page's <datalist> of a country's states and regions (templates/admin/campaigns/_subdivisions.html)."""
    return f"outcry-subdivisions-{country}"


class TargetSuggestionsMixin:
    """Gives the change form its lists of suggestions once, however many targets it has: the zone
    names, and each country's states and regions."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        subdivisions = [
            (country, days_off.subdivision_names(country).items())
            for country, codes in days_off.subdivisions_by_country().items()
            if codes
        ]
        extra_context = {
            **(extra_context or {}),
            "time_zones": sorted(time_zone_names()),
            "holiday_subdivisions": subdivisions,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)


def public_holidays_html(country: str, subdivision: str, zone_name: str) -> str:
    """The coming twelve months' public holidays of a target's country, from today where the target is."""
    context = {"country": country if country in days_off.subdivisions_by_country() else ""}
    if context["country"]:
        try:
            subdivision = days_off.clean_subdivision(country, subdivision)
        except ValidationError as exc:
            context["problem"], subdivision = " ".join(exc.messages), ""
        place = days_off.country_name(country)
        if subdivision:
            place = f"{place}, {days_off.subdivision_label(country, subdivision)}"
        zone = zoneinfo.ZoneInfo(zone_name if zone_name in time_zone_names() else "UTC")
        today = timezone.now().astimezone(zone).date()
        context |= {"place": place, "days": days_off.coming_holidays(country, subdivision, today, get_language())}
    return render_to_string("admin/campaigns/_public_holidays.html", context)


class PublicHolidaysMixin:
    """Beside the organiser's own dates, the public holidays that will be skipped too."""

    @admin.display(description=_("public holidays skipped"))
    def public_holidays_ahead(self, target: Target) -> str:
        return format_html(
            '<div class="outcry-public-holidays" data-public-holidays data-url="{}" aria-live="polite">{}</div>',
            reverse("admin:campaigns_target_public_holidays"),
            public_holidays_html(target.holiday_country, target.holiday_subdivision, target.timezone),
        )


TARGET_FIELDS = [("name", "title"), ("email", "language"), "is_active"]
# Read only where letters are matched to the signer (campaigns/routing.py): folded, for the others.
WHOM_FOR = (
    _("Whom it is for"),
    {
        "fields": [("countries", "is_default"), "postcodes"],
        "description": _("Only where letters go by country, by postcode or by the signer's choice."),
        "classes": ["collapse"],
    },
)
SENDING_RULES = (
    _("Sending rules"),
    {
        "fields": [
            ("hourly_cap", "timezone"),
            ("window_start", "window_end", "weekdays_only"),
            ("holiday_country", "holiday_subdivision"),
            ("skip_dates", "public_holidays_ahead"),
            "sending_paused",
        ],
        "description": _(
            "Mail systems stop accepting a sender at about 3,600 messages an hour "
            "and then drop its mail for a day: keep the cap well below that."
        ),
    },
)


class TargetInline(PublicHolidaysMixin, ScopedInlineMixin, admin.StackedInline):
    model = Target
    form = TargetForm
    tenant_path = "campaign__organisation"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1  # a new campaign starts with a target to fill in

    # In the campaign form the sending rules, whose defaults suit most targets, are folded.
    fieldsets = [
        (None, {"fields": [*TARGET_FIELDS, "names_per_language"]}),
        WHOM_FOR,
        (SENDING_RULES[0], {**SENDING_RULES[1], "classes": ["collapse"]}),
    ]
    readonly_fields = ["names_per_language", "public_holidays_ahead"]

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
class TargetAdmin(PublicHolidaysMixin, TargetSuggestionsMixin, ScopedModelAdmin):
    """A target's own page, for what does not fit inline in the campaign: its names per language.
    Targets are added and removed in the campaign."""

    tenant_path = "campaign__organisation"
    organiser_permissions = frozenset({"view", "change"})
    form = TargetForm
    list_display = ["name", "title", "campaign", "email", "language", "is_active"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    search_fields = ["name", "title", "email"]
    fieldsets = [(None, {"fields": ["campaign", *TARGET_FIELDS]}), WHOM_FOR, SENDING_RULES]
    inlines = [TargetNameInline]

    def get_readonly_fields(self, request, obj=None):
        return ["campaign", "public_holidays_ahead"] if obj else ["public_holidays_ahead"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.public_holidays_view)
        return [path("public-holidays/", view, name="campaigns_target_public_holidays"), *super().get_urls()]

    def public_holidays_view(self, request):
        """The list of public holidays for the country just chosen in a form, before it is saved."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET
        html = public_holidays_html(query.get("country", ""), query.get("subdivision", ""), query.get("zone", ""))
        return HttpResponse(html)


class MessageTemplateInline(translating.TextDirectionMixin, ScopedInlineMixin, admin.StackedInline):
    """The page and letter per language, shown as tabs beside a live preview of the letters
    (templates/admin/campaigns/campaign/language_versions.html, static/admin/outcry/builder.js)."""

    model = MessageTemplate
    template = "admin/campaigns/campaign/language_versions.html"
    tenant_path = "campaign__organisation"
    fields = [
        "language",
        "page_title",
        "summary",
        "story",
        "letter_subject",
        "letter_body",
        "subject_alternatives",
        "body_alternatives",
    ]

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
class CampaignAdmin(TargetSuggestionsMixin, ScopedModelAdmin):
    tenant_path = "organisation"
    organiser_permissions = frozenset({"view", "add", "change", "delete", "export"})
    organiser_capabilities = {**ScopedModelAdmin.organiser_capabilities, "export": Can.EXPORT}
    list_display = ["name", "organisation", "status", "starts_at", "ends_at", "signatures", "goal", "dashboard"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MessageTemplateInline, TargetInline, PartnerInline, EndorserInline]
    actions = ["publish", "rehearse", "end_rehearsal", "pause", "resume", "close", "duplicate", "export_signatures"]
    # The status moves only through the lifecycle buttons (overview page, list actions), so that
    # Publish checks the campaign is ready and Close for good asks, wherever it is pressed.
    readonly_fields = ["public_address", "status"]
    # In writing order (templates/admin/campaigns/campaign/change_form.html puts the page and letter
    # and the targets right after the first fieldset); what has good defaults is folded, last.
    fieldsets = [
        (None, {"fields": [("name", "organisation"), ("slug", "default_language"), "public_address", "status"]}),
        (_("Dates and goal"), {"fields": [("starts_at", "ends_at"), "goal"]}),
        (
            _("Whom signers write to"),
            {
                "fields": [("target_routing", "target_choice_limit")],
                "description": _(
                    "Every signer writes to every target, or to the targets for their country (for example "
                    "the embassy in their country), or to those they tick. The page shows each signer whom "
                    "they write to; a signer whom no target fits writes to the default target(s)."
                ),
            },
        ),
        (
            _("Page and sharing"),
            {
                "fields": [
                    "image",
                    "share_text",
                    "allow_personal_message",
                    "signer_voice",
                    "consent_text",
                    "share_with_partners",
                    "publish_target_addresses",
                ]
            },
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

    def get_fieldsets(self, request, obj=None):
        """The own-mailbox buttons show the target who signed: offered once signers are not at risk."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.signers_at_risk:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "own_mailbox_links"]})
            if "signers_at_risk" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(functools.partial(function, self))

        return [
            path("<int:campaign_id>/overview/", view(overview_view), name="campaigns_campaign_overview"),
            path(
                "<int:campaign_id>/targets/import/",
                view(targetadmin.import_view),
                name="campaigns_campaign_targets_import",
            ),
            path(
                "<int:campaign_id>/targets/export/",
                view(targetadmin.export_view),
                name="campaigns_campaign_targets_export",
            ),
            path(
                "<int:campaign_id>/targets/template/",
                view(targetadmin.template_view),
                name="campaigns_campaign_targets_template",
            ),
            *super().get_urls(),
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
        campaign = self.get_object(request, object_id) if object_id else None
        states = {row.language: row.state for row in translations.campaign_states(campaign)} if campaign else {}
        builder = {
            "translation_states": states,
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
                "outdated": _("outdated"),
            },
        }
        return super().changeform_view(request, object_id, form_url, {**(extra_context or {}), "builder": builder})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is MessageTemplate:
            deleted = set(formset.deleted_forms) if formset.can_delete else set()
            for version in formset.forms:
                if version.has_changed() and version.instance.pk and version not in deleted:
                    translations.record_translated(version.instance)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new campaign's first language version is in the language the organiser uses the admin in."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MessageTemplateInline) and not obj.pk and request.method == "GET":
            kwargs["initial"] = [{"language": self.get_changeform_initial_data(request)["default_language"]}]
        return kwargs

    def response_add(self, request, obj, post_url_continue=None):
        return after_save(request, obj.pk, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return after_save(request, obj.pk, super().response_change(request, obj))

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

    def has_export_permission(self, request) -> bool:
        return self._permission("export", request, lambda: request.user.has_perm("petitions.view_signature"))

    @admin.action(description=_("Export the signatures (CSV)"), permissions=["export"])
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

    @admin.action(description=_("Rehearse: letters to you, not the targets"), permissions=["change"])
    def rehearse(self, request, queryset):
        send_to = (request.POST.get("rehearsal_to") or request.user.email or "").strip()
        try:
            validate_email(send_to)
        except ValidationError:
            self.message_user(request, _("Give the address the test letters go to."), messages.ERROR)
            return
        for campaign in queryset:
            if services.start_rehearsal(campaign=campaign, send_to=send_to):
                self.message_user(
                    request,
                    _("%(campaign)s is in rehearsal: its page takes signatures and every letter goes to %(email)s.")
                    % {"campaign": campaign, "email": send_to},
                )
            else:
                self.message_user(request, _("%(campaign)s: only a draft can rehearse.") % {"campaign": campaign})

    def _rehearsal_removed(self, request, campaign, removed) -> None:
        self.message_user(
            request,
            _(
                "The rehearsal of %(campaign)s ended: %(signatures)s test signature(s) "
                "and %(letters)s test letter(s) removed."
            )
            % {"campaign": campaign, **removed},
        )

    @admin.action(description=_("End the rehearsal (remove its test signatures and letters)"), permissions=["change"])
    def end_rehearsal(self, request, queryset):
        rehearsing = [campaign for campaign in queryset if campaign.in_rehearsal]
        if adminconfirm.confirmed(request):
            for campaign in rehearsing:
                self._rehearsal_removed(request, campaign, services.end_rehearsal(campaign=campaign))
            return None
        signatures = sum(campaign.signature_total or 0 for campaign in rehearsing)
        consequences = [
            _("Campaigns back to a plain draft, their page closed again: %(count)s (%(names)s).")
            % {"count": len(rehearsing), "names": ", ".join(str(c) for c in rehearsing) or "-"},
            _("Test signatures made during the rehearsal, removed: %(count)s.") % {"count": signatures},
            _("Test letters, sent or waiting, removed from the records and the counts."),
        ]
        return adminconfirm.confirmation_page(
            self,
            request,
            queryset,
            action="end_rehearsal",
            title=_("End the rehearsal?"),
            consequences=consequences,
            confirm_label=_("Yes, end the rehearsal"),
            can_confirm=bool(rehearsing),
        )

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
                if campaign.in_rehearsal:  # going live starts from a clean count
                    self._rehearsal_removed(request, campaign, services.end_rehearsal(campaign=campaign))
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
