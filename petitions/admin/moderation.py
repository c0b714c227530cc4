"""Admin for the abuse defences: block rules, and the review of held and spam signatures.

Each review action first shows what it will do (signatures moved, letters queued or cancelled, the
change to the public count, the first rows) and acts only when the organiser confirms.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from outcry import adminconfirm
from petitions.abuse import moderation
from petitions.abuse.lists import forget_block_rules
from petitions.models import BlockRule

PREVIEW_ROWS = 50
ACTIONS = {
    "release": (
        _("Release: count them and send their letters"),
        moderation.release_signatures,
        _(
            "Released %(signatures)s signature(s); %(letters_queued)s letter(s) queued; "
            "%(asked_to_confirm)s asked to confirm by email."
        ),
    ),
    "reject": (
        _("Reject held signatures"),
        moderation.reject_signatures,
        _("Rejected %(signatures)s held signature(s)."),
    ),
    "mark_spam": (
        _("Mark as spam: uncount them, cancel waiting letters"),
        moderation.mark_signatures_as_spam,
        _("Marked %(signatures)s signature(s) as spam; %(letters_cancelled)s waiting letter(s) cancelled."),
    ),
}


def _review(action: str):
    title, service, done = ACTIONS[action]

    def review(modeladmin, request, queryset):
        if not modeladmin.has_moderate_permission(request):
            raise PermissionDenied
        if adminconfirm.confirmed(request):
            result = service(signature_ids=queryset.values_list("pk", flat=True))
            modeladmin.message_user(request, done % result.__dict__, messages.SUCCESS)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "action": f"{action}_selected",
            "preview": moderation.preview_moderation(action=action, signatures=queryset),
            "rows": queryset.filter(status__in=moderation.MOVES[action]).select_related("campaign")[:PREVIEW_ROWS],
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/petitions/moderation_preview.html", context)

    review.__name__ = f"{action}_selected"
    review.short_description = title
    review.allowed_permissions = ("moderate",)
    return review


class ModerationActionsMixin:
    """For SignatureAdmin: the review actions (they call petitions/abuse/moderation.py)."""

    actions = [_review("release"), _review("reject"), _review("mark_spam")]

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("petitions.change_signature")


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_block_rules()
