"""Paper signatures in admin: organisers add counts and import signers; rows are added or deleted,
never edited, and Django's admin log records who did each.

The scan of a sheet may show names: it is stored outside MEDIA_ROOT (core/private_files.py) and
served only here, to the campaign's organisers, as a download.
"""

from pathlib import PurePath

from csp.constants import NONE
from csp.decorators import csp
from django import forms
from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.roles import Can
from campaigns.tenancy import ScopedModelAdmin, get_scoped_or_404, scoped
from outcry import csvfiles
from petitions.models import PaperBatch
from petitions.paper import imports
from petitions.paper.counts import add_paper_count, delete_paper_batch

SCAN_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class ImportForm(forms.Form):
    source = forms.CharField(
        label=_("Where they were collected"),
        max_length=200,
        help_text=_("For example: dockers' meeting in Baku, 12 March."),
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Saved from a spreadsheet as CSV (UTF-8), with the columns below.")
    )


@admin.register(PaperBatch)
class PaperBatchAdmin(ScopedModelAdmin):
    tenant_path = "campaign__organisation"
    # No "change": a wrong count is deleted (the confirmation page asks) and added again.
    organiser_permissions = frozenset({"view", "add", "delete"})
    # Scans and imported signers carry names: for the roles that see signers.
    organiser_capabilities = {**ScopedModelAdmin.organiser_capabilities, "view": Can.SEE_SIGNERS}
    list_display = ["collected_on", "campaign", "kind", "signatures", "source", "scan_link", "added_by", "added_at"]
    list_filter = ["campaign", "kind"]
    list_select_related = ["campaign", "added_by"]
    fields = ["campaign", "signatures", "source", "collected_on", "scan"]
    change_list_template = "admin/petitions/paperbatch/change_list.html"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, "kind", "added_by", "added_at", "signers_link"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("scan"))
    def scan_link(self, batch: PaperBatch) -> str:
        if not batch.scan:
            return "-"
        return format_html('<a href="{}">{}</a>', batch.scan.url, gettext("Download"))

    @admin.display(description=_("signers"))
    def signers_link(self, batch: PaperBatch) -> str:
        if batch.kind != PaperBatch.Kind.SIGNERS:
            return "-"
        url = reverse("admin:petitions_signature_changelist") + f"?paper_batch={batch.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("The imported signers"))

    def save_model(self, request, obj: PaperBatch, form, change) -> None:
        obj.added_by = request.user
        add_paper_count(obj)

    def get_deleted_objects(self, objs, request):
        """An import's signers go with it (the confirmation page lists them): deleting the import is
        the one way an organiser removes signatures, so the signature list's read-only rule does
        not stand in the way here."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj: PaperBatch) -> None:
        delete_paper_batch(obj)

    def delete_queryset(self, request, queryset) -> None:
        for batch in queryset:
            delete_paper_batch(batch)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.choose_view), name="petitions_paperbatch_import_choose"),
            path("import/<int:campaign_id>/", view(self.import_view), name="petitions_paperbatch_import"),
            path("import/paper-signers.csv", view(self.blank_file_view), name="petitions_paperbatch_blank"),
            path("scan/<path:name>", view(self.scan_view), name="petitions_paperbatch_scan"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def choose_view(self, request):
        """Which campaign the signers signed: the organiser's own, one link each."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        campaigns = scoped(Campaign.objects.order_by("-created_at"), request.user, Can.EDIT)
        context = self._context(request, title=gettext("Import paper signers"), campaigns=campaigns)
        return TemplateResponse(request, "admin/petitions/paperbatch/import_choose.html", context)

    def blank_file_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        response = HttpResponse(imports.blank_file(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="paper-signers.csv"'
        return response

    def import_view(self, request, campaign_id: int):
        """Upload: every row shown with its errors and duplicates; Save: the previewed file, all of it."""
        campaign = get_scoped_or_404(Campaign.objects.all(), request.user, can=Can.EDIT, pk=campaign_id)
        if not self.has_add_permission(request):
            return redirect("admin:index")
        if request.method == "POST" and "token" in request.POST:
            return self._save_previewed(request, campaign, request.POST["token"])
        form = ImportForm(request.POST or None, request.FILES or None)
        preview, token = None, ""
        if request.method == "POST" and form.is_valid():
            try:
                text = csvfiles.decode(form.cleaned_data["file"].read(imports.MAX_BYTES + 1))
            except csvfiles.FileProblem as problem:
                form.add_error("file", str(problem))
            else:
                preview = imports.preview_import(campaign, text)
                if preview.can_save:
                    source = form.cleaned_data["source"]
                    token = imports.seal_preview(
                        user_id=request.user.pk, campaign_id=campaign.pk, source=source, text=text
                    )
        return self._import_page(request, campaign, form, preview, token)

    def _save_previewed(self, request, campaign: Campaign, token: str):
        kept = imports.open_preview(token, user_id=request.user.pk, campaign_id=campaign.pk)
        if kept is None:
            messages.error(request, gettext("The preview has expired: choose the file again."))
            return redirect(request.path)
        if imports.already_saved(token):
            messages.info(request, gettext("This file was saved already."))
            return redirect(self._list_of(campaign))
        preview = imports.preview_import(campaign, kept["text"])
        if preview.can_save:
            try:
                batch = imports.save_import(
                    campaign=campaign, preview=preview, source=kept["source"], added_by=request.user, token=token
                )
            except imports.ImportConflict:
                # Someone signed with one of its addresses meanwhile: show the file as it stands now.
                preview = imports.preview_import(campaign, kept["text"])
            else:
                self.log_addition(request, batch, [{"added": {}}])
                message = ngettext(
                    "Saved %(count)d paper signer for %(campaign)s.",
                    "Saved %(count)d paper signers for %(campaign)s.",
                    batch.signatures,
                )
                messages.success(request, message % {"count": batch.signatures, "campaign": campaign})
                return redirect(self._list_of(campaign))
        form = ImportForm(initial={"source": kept["source"]})
        return self._import_page(request, campaign, form, preview, token if preview.can_save else "")

    def _list_of(self, campaign: Campaign) -> str:
        return reverse("admin:petitions_paperbatch_changelist") + f"?campaign__id__exact={campaign.pk}"

    def _import_page(self, request, campaign: Campaign, form, preview, token: str):
        context = self._context(
            request,
            title=gettext("Import paper signers: %(campaign)s") % {"campaign": campaign},
            campaign=campaign,
            form=form,
            preview=preview,
            token=token,
            columns=imports.COLUMNS,
            required=imports.REQUIRED,
        )
        return TemplateResponse(request, "admin/petitions/paperbatch/import.html", context)

    @csp({"default-src": [NONE], "frame-ancestors": [NONE], "sandbox": True})
    def scan_view(self, request, name: str):
        """The scan, to the organisers of its campaign only (any other name is simply not found)."""
        batch = scoped(PaperBatch.objects.filter(scan=name), request.user, Can.SEE_SIGNERS).first()
        if batch is None or not self.has_view_permission(request, batch):
            raise Http404("No such scan.")
        suffix = PurePath(name).suffix.lower()
        try:
            handle = batch.scan.open("rb")
        except FileNotFoundError:
            raise Http404("No such scan.") from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"scan-{batch.pk}{suffix}",
            content_type=SCAN_TYPES.get(suffix, "application/octet-stream"),
        )
