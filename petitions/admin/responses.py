"""Responses in admin: what targets answered, read by the roles that see signers (the reply quotes
the letter, and the letter names its signer), and published in words an organiser reviewed.

The public never sees the reply itself: the campaign page shows only `public_text`, which starts as
the reply without its quoted lines and must be read and confirmed before it is published.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.roles import Can
from campaigns.tenancy import ScopedModelAdmin
from petitions.models import Response
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
    readonly_fields = ["warning", "campaign", "target", "received_at", "sender", "subject", "text", "size"]
    fieldsets = [
        (_("The reply"), {"fields": ["warning", "campaign", "target", "received_at", "sender", "subject", "text"]}),
        (_("On the campaign page"), {"fields": ["public_text", "reviewed", "published_on"]}),
    ]

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

    def save_model(self, request, obj: Response, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_published(obj.campaign_id)
