"""Responses in admin: what targets answered, read by the roles that see signers (the reply quotes
the letter, and the letter names its signer), and published in words an organiser reviewed.

The public never sees the reply itself: the campaign page shows only `public_text`, which starts as
the reply without its quoted lines and must be read and confirmed before it is published.
"""

from django import forms
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.roles import Can
from campaigns.tenancy import ScopedModelAdmin
from outcry import adminconfirm
from petitions.models import ReportBack, Response
from petitions.responses import report_back
from petitions.responses.parsing import without_quotes
from petitions.responses.public import forget_published

QUOTES_SIGNER = _(
    "This reply may quote the letter, and the letter names its signer. Never copy it elsewhere; "
    "what the public sees is only the public text below."
)


class PublishForm(forms.ModelForm):
    reviewed = forms.BooleanField(
        label=_("I have read the public text: it names no signer and quotes nothing of their letter."),
        required=False,
    )

    class Meta:
        model = Response
        fields = ["public_text", "published_on"]
        widgets = {"public_text": forms.Textarea(attrs={"rows": 10, "class": "vLargeTextField", "dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.public_text:
            self.initial["public_text"] = without_quotes(self.instance.text)
        self.fields["public_text"].help_text = _(
            "Shown on the campaign page when a public date is set. Prefilled from the reply without its quoted lines."
        )
        self.fields["published_on"].help_text = _("Leave empty to keep the response private.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("published_on"):
            if not (cleaned.get("public_text") or "").strip():
                self.add_error("public_text", _("Write the text the public will see."))
            if not cleaned.get("reviewed"):
                self.add_error("reviewed", _("Read the public text and confirm it before publishing."))
        return cleaned


@admin.register(Response)
class ResponseAdmin(ScopedModelAdmin):
    tenant_path = "campaign__organisation"
    # Nobody adds a reply by hand or deletes what a target said; publishing is a change.
    organiser_permissions = frozenset({"view", "change"})
    organiser_capabilities = {**ScopedModelAdmin.organiser_capabilities, "view": Can.SEE_SIGNERS}
    form = PublishForm
    list_display = ["received_at", "campaign", "target", "from_target", "automatic", "published"]
    list_filter = ["campaign", "from_target", "automatic"]
    list_select_related = ["campaign", "target"]
    readonly_fields = [
        "warning",
        "campaign",
        "target",
        "received_at",
        "sender",
        "subject",
        "text",
        "size",
        "report_back_state",
    ]
    fieldsets = [
        (_("The reply"), {"fields": ["warning", "campaign", "target", "received_at", "sender", "subject", "text"]}),
        (_("On the campaign page"), {"fields": ["public_text", "reviewed", "published_on"]}),
        (_("Report-back to signers"), {"fields": ["report_back_state"]}),
    ]
    actions = ["email_report_back"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Note"))
    def warning(self, response: Response) -> str:
        return QUOTES_SIGNER

    @admin.display(description=_("published"), boolean=True)
    def published(self, response: Response) -> bool:
        return response.is_published

    @admin.display(description=_("report-back"))
    def report_back_state(self, response: Response) -> str:
        report = ReportBack.objects.filter(response=response).first()
        if report is None:
            if not response.is_published:
                return _('Publish the response first; then the action "Email a report-back" in the list sends it.')
            return _("Not sent. %(count)s signers agreed to be contacted.") % {
                "count": report_back.recipients(response.campaign_id).count()
            }
        state = ngettext("Emailed to %(count)s signer", "Emailed to %(count)s signers", report.sent) % {
            "count": report.sent
        }
        if report.skipped:
            state += ", " + _("%(count)s skipped (refused, or their daily limit of emails reached)") % {
                "count": report.skipped
            }
        if report.finished_at:
            return state + ". " + _("Finished %(date)s.") % {"date": date_format(report.finished_at, "Y-m-d H:i")}
        return state + ". " + _("Still sending.")

    @admin.action(
        description=_("Email a report-back to the signers who agreed to be contacted"), permissions=["change"]
    )
    def email_report_back(self, request, queryset):
        chosen = list(queryset.select_related("campaign", "target"))
        ready = [r for r in chosen if r.is_published and not ReportBack.objects.filter(response=r).exists()]
        readers_of = {r.campaign_id: report_back.recipients(r.campaign_id).count() for r in ready}
        if adminconfirm.confirmed(request):
            ready = [r for r in ready if readers_of[r.campaign_id]]
            for response in ready:
                report_back.request_report_back(response, user=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)s report-back is being emailed.", "%(count)s report-backs are being emailed.", len(ready)
                )
                % {"count": len(ready)},
            )
            return None
        readers = sum(readers_of.values())
        consequences = [
            _("Responses emailed: %(count)s (%(names)s).")
            % {"count": len(ready), "names": ", ".join(f"{r.target.name}, {r.campaign}" for r in ready) or "-"},
            _(
                "Signers who agreed to be contacted and get the public text by email, in their language: %(count)s. "
                "The reply itself is never sent."
            )
            % {"count": readers},
            _("It goes once and cannot be recalled."),
        ]
        unpublished = sum(1 for r in chosen if not r.is_published)
        if unpublished:
            consequences.append(_("Not published, so not emailed: %(count)s.") % {"count": unpublished})
        already = len(chosen) - len(ready) - unpublished
        if already:
            consequences.append(_("Already reported back, not emailed again: %(count)s.") % {"count": already})
        if ready and not readers:
            consequences.append(
                _("No signer has agreed to be contacted yet, so there is nobody to email: it can be sent later.")
            )
        return adminconfirm.confirmation_page(
            self,
            request,
            queryset,
            action="email_report_back",
            title=_("Email a report-back?"),
            consequences=consequences,
            confirm_label=_("Yes, email the signers"),
            can_confirm=bool(ready) and readers > 0,
        )

    def save_model(self, request, obj: Response, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_published(obj.campaign_id)
