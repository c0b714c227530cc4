"""The campaign's admin pages for its targets as a CSV file: import (upload, preview, save) and export.

Between the preview and the save, the uploaded file waits in the organiser's session, compressed
and keyed by campaign, and the preview's form carries its digest: nothing is written to disk, the
save writes exactly the file that was previewed (checked again against the targets as they are
then), and the copy goes with the save, the next upload or the session. A signed copy in the form
itself would not fit: a 2 MB file is over the admin's limit for form fields
(DATA_UPLOAD_MAX_MEMORY_SIZE). Targets are officials, not signers: their addresses may sit in the
session table as they sit in the targets table.
"""

import base64
import hashlib
import zlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns import targetcsv, targetimport
from campaigns.models import Campaign
from campaigns.targetcolumns import column_help
from campaigns.tenancy import get_scoped_or_404

SESSION_KEY = "outcry-target-import-{campaign}"


class TargetFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > targetcsv.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into several files.")
                % {"size": targetcsv.MAX_BYTES // 2**20}
            )
        return upload


def campaign_for(request, campaign_id: int, may) -> Campaign:
    """The organiser's own campaign (another organisation's is not found), if `may` allows."""
    campaign = get_scoped_or_404(Campaign.objects.select_related("organisation"), request.user, pk=campaign_id)
    if not may(request, campaign):
        raise PermissionDenied
    return campaign


def import_view(model_admin, request, campaign_id: int):
    """GET: the upload form; POST a file: its preview; POST save: the previewed file, saved."""
    campaign = campaign_for(request, campaign_id, model_admin.has_change_permission)
    if request.method == "POST" and "save" in request.POST:
        return save(model_admin, request, campaign)
    form = TargetFileForm(request.POST or None, request.FILES or None)
    plan, digest = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(targetcsv.MAX_BYTES + 1)
        try:
            plan = targetimport.check(campaign, targetcsv.read_table(data))
        except targetcsv.FileProblem as exc:
            form.add_error("file", str(exc))
        if plan is not None and not plan.errors and plan.to_save:
            digest = keep(request, campaign, data)
    if not digest:
        forget(request, campaign)
    return page(model_admin, request, campaign, form=form, plan=plan, digest=digest)


def save(model_admin, request, campaign: Campaign):
    data = kept(request, campaign, request.POST.get("digest", ""))
    if data is None:
        messages.warning(request, _("The file to save is no longer kept: upload it again."))
        return redirect("admin:campaigns_campaign_targets_import", campaign.pk)
    # The targets may have changed since the preview: the file is checked again as it is saved.
    plan = targetimport.check(campaign, targetcsv.read_table(data))
    if plan.errors or not plan.to_save:
        forget(request, campaign)
        return page(model_admin, request, campaign, form=TargetFileForm(), plan=plan, digest="")
    try:
        saved = targetimport.save(plan)
    except IntegrityError:
        # Someone added one of the file's addresses between the check and the save: nothing was saved.
        messages.error(request, _("The targets changed while the file was being saved; nothing was saved."))
        return redirect("admin:campaigns_campaign_targets_import", campaign.pk)
    forget(request, campaign)
    messages.success(
        request,
        ngettext(
            "%(added)d target added, %(updated)d updated, %(unchanged)d unchanged.",
            "%(added)d targets added, %(updated)d updated, %(unchanged)d unchanged.",
            saved.added,
        )
        % {"added": saved.added, "updated": saved.updated, "unchanged": saved.unchanged},
    )
    return redirect("admin:campaigns_campaign_overview", campaign.pk)


def page(model_admin, request, campaign: Campaign, *, form, plan, digest: str) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import targets: %(campaign)s") % {"campaign": campaign},
        "opts": Campaign._meta,
        "campaign": campaign,
        "form": form,
        "plan": plan,
        "digest": digest,
        "columns": column_help(),
        "max_size": targetcsv.MAX_BYTES // 2**20,
        "max_rows": targetcsv.MAX_ROWS,
        "export_url": reverse("admin:campaigns_campaign_targets_export", args=[campaign.pk]),
        "template_url": reverse("admin:campaigns_campaign_targets_template", args=[campaign.pk]),
    }
    return TemplateResponse(request, "admin/campaigns/campaign/target_import.html", context)


def export_view(model_admin, request, campaign_id: int):
    """The campaign's targets as the import reads them: the file to edit and upload again."""
    campaign = campaign_for(request, campaign_id, model_admin.has_view_permission)
    return csv_response(targetcsv.export_csv(campaign), f"{campaign.slug}-targets.csv")


def template_view(model_admin, request, campaign_id: int):
    """The import's columns without rows, for a list started from scratch."""
    campaign = campaign_for(request, campaign_id, model_admin.has_view_permission)
    return csv_response(targetcsv.export_csv(None), f"{campaign.slug}-targets-template.csv")


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# The uploaded file between the preview and the save


def keep(request, campaign: Campaign, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    request.session[SESSION_KEY.format(campaign=campaign.pk)] = {"digest": digest, "data": packed}
    return digest


def kept(request, campaign: Campaign, digest: str) -> bytes | None:
    """The kept file, if it is the one whose preview was saved."""
    stored = request.session.get(SESSION_KEY.format(campaign=campaign.pk))
    if not stored or not digest or stored.get("digest") != digest:
        return None
    return zlib.decompress(base64.b64decode(stored["data"]))


def forget(request, campaign: Campaign) -> None:
    request.session.pop(SESSION_KEY.format(campaign=campaign.pk), None)
