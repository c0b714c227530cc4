"""Signatures and letters in admin: read-only lists to search and filter, never hand-edited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from campaigns.models import Campaign
from petitions import services
from petitions.models import Delivery, Signature, TrackingEvent
from petitions.moderation_admin import ModerationActionsMixin


class TestLetterForm(forms.Form):
    target = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="Rendered in this target's language.")
    to_email = forms.EmailField(label="Send to", help_text="Your own address: the test never goes to the target.")

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = campaign.targets.all()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the public and by the sender are evidence: organisers look, services write."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Signature)
class SignatureAdmin(ModerationActionsMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "first_name",
        "last_name",
        "country",
        "organisation",
        "status",
        "hold_reasons",
        "campaign",
        "created_at",
    ]
    list_filter = ["status", "campaign", "consent_to_contact", "country"]
    list_select_related = ["campaign"]
    search_fields = ["first_name", "last_name", "=email", "organisation"]
    date_hierarchy = "created_at"
    exclude = ["ip_hash"]


class TrackingEventInline(admin.TabularInline):
    """What the email provider reported about the letter: stored once each, never edited."""

    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "provider", "event_type", "reject_reason", "description", "mta_response", "outcome"]
    readonly_fields = fields
    ordering = ["occurred_at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "target", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "campaign", "target"]
    list_select_related = ["campaign", "target"]
    search_fields = ["=id", "message_id", "target__name"]
    date_hierarchy = "created_at"
    inlines = [TrackingEventInline]

    def get_urls(self):
        view = self.admin_site.admin_view(self.test_letter_view)
        return [
            path("test-letter/<int:campaign_id>/", view, name="petitions_delivery_test_letter"),
            *super().get_urls(),
        ]

    def test_letter_view(self, request, campaign_id: int):
        """Send a "[TEST]" letter, rendered exactly as a target would receive it, to the organiser."""
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        if not request.user.has_perm("campaigns.change_campaign"):
            raise PermissionDenied
        form = TestLetterForm(request.POST or None, campaign=campaign, initial={"to_email": request.user.email})
        if request.method == "POST" and form.is_valid():
            try:
                subject = services.send_test_letter(
                    campaign=campaign, target=form.cleaned_data["target"], to_email=form.cleaned_data["to_email"]
                )
            except Exception as exc:  # noqa: BLE001 - the organiser sees what went wrong, nothing is stored
                messages.error(request, f"The test letter could not be sent: {exc}")
            else:
                messages.success(request, f"Sent “{subject}” to {form.cleaned_data['to_email']}.")
                return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send a test letter: {campaign}",
            "campaign": campaign,
            "form": form,
            "opts": Campaign._meta,
        }
        return TemplateResponse(request, "admin/petitions/test_letter.html", context)
