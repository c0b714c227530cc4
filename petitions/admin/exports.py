"""The export audit log: read-only, for the organisation whose signers were exported."""

from django.contrib import admin

from petitions.admin.base import ReadOnlyAdmin
from petitions.models import SignatureExport


@admin.register(SignatureExport)
class SignatureExportAdmin(ReadOnlyAdmin):
    tenant_path = "campaign__organisation"
    list_display = ["started_at", "campaign", "actor", "via", "rows", "completed", "finished_at"]
    list_filter = ["campaign", "via", "completed"]
    list_select_related = ["campaign"]
    fields = list_display
    readonly_fields = list_display
