"""The export audit log: read-only, for the organisation whose signers were exported."""

from django.contrib import admin

from campaigns.roles import Can
from petitions.admin.base import ReadOnlyAdmin
from petitions.models import SignatureExport


@admin.register(SignatureExport)
class SignatureExportAdmin(ReadOnlyAdmin):
    # The campaign's organisers see every export of its signers; a partner sees its own.
    tenant_path = ("campaign__organisation", "partner__organisation")
    organiser_capabilities = {**ReadOnlyAdmin.organiser_capabilities, "view": Can.SEE_SIGNERS}
    list_display = ["started_at", "campaign", "partner", "actor", "via", "rows", "completed", "finished_at"]
    list_filter = ["campaign", "via", "completed"]
    list_select_related = ["campaign", "partner"]
    fields = list_display
    readonly_fields = list_display
