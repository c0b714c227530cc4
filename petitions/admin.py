"""Signatures and letters in admin: read-only lists to search and filter, never hand-edited."""

from django.contrib import admin

from petitions.models import Delivery, Signature, TrackingEvent


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
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["id", "first_name", "last_name", "country", "organisation", "status", "campaign", "created_at"]
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
