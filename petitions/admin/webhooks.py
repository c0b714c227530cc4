"""Webhooks in admin: an organisation's endpoints (per campaign or for all of them) and their
delivery log, with the dead letters and a "send again".

Managed by the roles that may export signers: an endpoint sends consenting signers' names and
addresses out of Outcry, which is what an export does. The signing secret is shown in full once,
on the page that follows adding the endpoint (or asking for a new secret), and masked after.
"""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.roles import Can
from campaigns.tenancy import ScopedInlineMixin, ScopedModelAdmin
from petitions.admin.base import ReadOnlyAdmin
from petitions.enums import WebhookDeliveryStatus
from petitions.models import WebhookDelivery, WebhookEndpoint, new_webhook_secret
from petitions.webhooks import collecting, posting
from petitions.webhooks.destinations import DestinationRefused, check_url

EVENT_CHOICES = collecting.EVENT_LABELS


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Must start with https://."),
        # An address reads left to right in every language.
        widget=forms.URLInput(attrs={"class": "vLargeTextField", "dir": "ltr"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only signers who agreed to be contacted are sent with their name and email; every other "
            "event carries numbers and ids."
        ),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "campaign", "name", "url", "format", "events", "osdi_api_token", "active"]
        widgets = {"osdi_api_token": forms.PasswordInput(render_value=True, attrs={"dir": "ltr"})}

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except DestinationRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        organisation, campaign = cleaned.get("organisation"), cleaned.get("campaign")
        if organisation and campaign and campaign.organisation_id != organisation.pk:
            self.add_error("campaign", _("This campaign belongs to another organisation."))
        fmt, events = cleaned.get("format"), cleaned.get("events") or []
        if fmt and set(events) - set(collecting.EVENTS_OF_FORMAT[fmt]):
            self.add_error("events", _("The OSDI format only records signatures: choose only confirmed signatures."))
        return cleaned


class DeliveryInline(ScopedInlineMixin, admin.TabularInline):
    """The endpoint's latest deliveries; the full log is the webhook deliveries list."""

    model = WebhookDelivery
    tenant_path = "endpoint__organisation"
    organiser_permissions = frozenset({"view"})
    organiser_capabilities = {"view": Can.EXPORT, "add": Can.EXPORT, "change": Can.EXPORT, "delete": Can.EXPORT}
    fields = ["created_at", "event", "status", "attempts", "last_status_code"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("latest deliveries")

    def get_queryset(self, request):
        latest = super().get_queryset(request).order_by("-created_at").values_list("pk", flat=True)[:20]
        return super().get_queryset(request).filter(pk__in=list(latest))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedModelAdmin):
    tenant_path = "organisation"
    organiser_permissions = frozenset({"view", "add", "change", "delete"})
    organiser_capabilities = {"view": Can.EXPORT, "add": Can.EXPORT, "change": Can.EXPORT, "delete": Can.EXPORT}
    form = WebhookEndpointForm
    list_display = ["name", "organisation", "campaign", "format", "active", "log"]
    list_filter = ["active", "format", "organisation"]
    list_select_related = ["organisation", "campaign"]
    readonly_fields = ["signing_secret"]
    fieldsets = [
        (None, {"fields": ["organisation", "campaign", "name", "url", "active"]}),
        (_("What is sent"), {"fields": ["format", "events", "osdi_api_token"]}),
        (_("Signing"), {"fields": ["signing_secret"]}),
    ]
    inlines = [DeliveryInline]
    actions = ["send_test_event", "new_secret"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj else fieldsets[:2]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.display(description=_("signing secret"))
    def signing_secret(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.secret_shown_at is None:
            # Shown once: the row records that it was, and the next page shows it masked.
            WebhookEndpoint.objects.filter(pk=endpoint.pk, secret_shown_at__isnull=True).update(
                secret_shown_at=timezone.now()
            )
            return format_html(
                '<div><code dir="ltr">{}</code></div><div>{}</div>',
                endpoint.secret,
                _(
                    "Copy it now into your receiver: it is shown only this once. Every request carries an "
                    "Outcry-Signature header made with it (see the webhooks guide)."
                ),
            )
        return format_html(
            '<div><code dir="ltr">{}</code></div><div>{}</div>',
            f"whsec_{'•' * 8}{endpoint.secret[-4:]}",
            _("Hidden. Lost it? Choose “Make a new signing secret” in the list of webhooks."),
        )

    @admin.display(description=_("deliveries"))
    def log(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:petitions_webhookdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">{}</a>', url, endpoint.pk, _("log"))

    def response_add(self, request, obj, post_url_continue=None):
        """Straight to the endpoint's page, where its secret is shown once."""
        return HttpResponseRedirect(reverse("admin:petitions_webhookendpoint_change", args=[obj.pk]))

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request, queryset):
        count = 0
        for endpoint in queryset:
            collecting.send_test_event(endpoint)
            count += 1
        self.message_user(
            request,
            ngettext(
                "A test event is on its way to %d webhook: see its log.",
                "A test event is on its way to %d webhooks: see their logs.",
                count,
            )
            % count,
        )

    @admin.action(description=_("Make a new signing secret"), permissions=["change"])
    def new_secret(self, request, queryset):
        count = 0
        for endpoint in queryset:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=new_webhook_secret(), secret_shown_at=None)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%d webhook has a new secret: open it to copy the secret (shown once).",
                "%d webhooks have a new secret: open each to copy its secret (shown once).",
                count,
            )
            % count,
        )


class DeadFilter(admin.SimpleListFilter):
    title = _("given up")
    parameter_name = "dead"

    def lookups(self, request, model_admin):
        return [("yes", _("Only deliveries given up on"))]

    def queryset(self, request, queryset):
        return queryset.filter(status=WebhookDeliveryStatus.DEAD) if self.value() == "yes" else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    tenant_path = "endpoint__organisation"
    organiser_permissions = frozenset({"view", "resend"})
    organiser_capabilities = {**ReadOnlyAdmin.organiser_capabilities, "view": Can.EXPORT, "resend": Can.EXPORT}
    list_display = ["id", "endpoint", "event", "status", "attempts", "last_status_code", "last_error", "created_at"]
    list_filter = ["status", DeadFilter, "event", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["=id", "event_id"]
    fields = [
        "endpoint",
        "event",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "sent_at",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    def has_resend_permission(self, request) -> bool:
        return self._permission("resend", request, lambda: self.has_view_permission(request))

    @admin.action(description=_("Send the selected given-up deliveries again"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = posting.send_again(queryset)
        self.message_user(
            request,
            ngettext("%d delivery is queued again.", "%d deliveries are queued again.", count) % count,
        )
