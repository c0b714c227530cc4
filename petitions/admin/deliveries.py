"""The letters list: filters by status and target, retry failed, cancel pending, a test letter."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.models import Campaign
from campaigns.roles import Can
from campaigns.tenancy import get_scoped_or_404, scoped
from outcry import adminconfirm
from petitions.admin.base import ReadOnlyAdmin
from petitions.admin.previews import letter_preview_view, live_letter_preview_view
from petitions.delivery import sending, transitions
from petitions.enums import CANCELLABLE_STATUSES, DeliveryStatus
from petitions.models import Delivery, TrackingEvent


class TestLetterForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=None, empty_label=None, label=_("As received by"), help_text=_("Rendered in this target's language.")
    )
    to_email = forms.EmailField(label=_("Send to"), help_text=_("Your own address: the test never goes to the target."))

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = campaign.targets.all()


class TrackingEventInline(admin.TabularInline):
    """What the email provider reported about the letter: stored once each, never edited.

    Shown only inside a letter's page, which is already scoped to the organiser's campaigns.
    """

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

    def has_view_permission(self, request, obj=None) -> bool:
        return True


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    tenant_path = "campaign__organisation"
    # A letter carries its signer's name and message; retrying and cancelling are editing.
    organiser_permissions = frozenset({"view", "retry"})
    organiser_capabilities = {**ReadOnlyAdmin.organiser_capabilities, "view": Can.SEE_SIGNERS, "retry": Can.EDIT}
    list_display = ["id", "campaign", "target", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "campaign", "target"]
    list_select_related = ["campaign", "target"]
    search_fields = ["=id", "message_id", "target__name"]
    inlines = [TrackingEventInline]
    actions = ["retry_failed", "cancel_pending"]

    def has_retry_permission(self, request) -> bool:
        """Organisers act on letters through these actions (never by editing a row)."""
        return self._permission("retry", request, lambda: self.has_view_permission(request))

    @admin.action(description=_("Retry the selected failed letters"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = transitions.retry_failed_letters(deliveries=queryset)
        self.message_user(
            request, ngettext("%d failed letter is queued again.", "%d failed letters are queued again.", count) % count
        )

    @admin.action(description=_("Cancel the selected pending letters"), permissions=["retry"])
    def cancel_pending(self, request, queryset):
        if adminconfirm.confirmed(request):
            count = transitions.cancel_letters(queryset, reason="Cancelled by an organiser.")
            self.message_user(request, ngettext("%d letter cancelled.", "%d letters cancelled.", count) % count)
            return None
        statuses = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        waiting = sum(statuses.get(status, 0) for status in CANCELLABLE_STATUSES)
        being_sent = statuses.get(DeliveryStatus.SENDING, 0)  # not "sending": that is the module
        consequences = [
            _("Letters waiting to be sent, cancelled: %(count)s. They will never be sent.") % {"count": waiting},
            _("Letters being sent right now, which finish: %(count)s.") % {"count": being_sent},
            _("Letters that already ended (sent, failed or cancelled), unchanged: %(count)s.")
            % {"count": sum(statuses.values()) - waiting - being_sent},
        ]
        return adminconfirm.confirmation_page(
            self,
            request,
            queryset,
            action="cancel_pending",
            title=_("Cancel the waiting letters?"),
            consequences=consequences,
            confirm_label=_("Yes, cancel the waiting letters"),
            can_confirm=bool(waiting),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.test_letter_view)
        preview = self.admin_site.admin_view(partial(letter_preview_view, self))
        live = self.admin_site.admin_view(partial(live_letter_preview_view, self))
        return [
            path("letter-preview/live/", live, name="petitions_delivery_live_preview"),
            path("test-letter/<int:campaign_id>/", view, name="petitions_delivery_test_letter"),
            path("letter-preview/<int:campaign_id>/", preview, name="petitions_delivery_letter_preview"),
            *super().get_urls(),
        ]

    def test_letter_view(self, request, campaign_id: int):
        """Send a "[Test]" letter, rendered exactly as a target would receive it, to the organiser."""
        campaign = get_scoped_or_404(Campaign.objects.all(), request.user, can=Can.TRANSLATE, pk=campaign_id)
        form = TestLetterForm(request.POST or None, campaign=campaign, initial={"to_email": request.user.email})
        form.fields["target"].queryset = scoped(campaign.targets.all(), request.user)
        if request.method == "POST" and form.is_valid():
            try:
                subject = sending.send_test_letter(
                    campaign=campaign, target=form.cleaned_data["target"], to_email=form.cleaned_data["to_email"]
                )
            except Exception as exc:  # noqa: BLE001 - the organiser sees what went wrong, nothing is stored
                messages.error(request, _("The test letter could not be sent: %(error)s") % {"error": exc})
            else:
                sent = _("Sent “%(subject)s” to %(email)s.")
                messages.success(request, sent % {"subject": subject, "email": form.cleaned_data["to_email"]})
                back = "overview" if request.POST.get("next") == "overview" else "change"
                return redirect(reverse(f"admin:campaigns_campaign_{back}", args=[campaign.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a test letter: %(campaign)s") % {"campaign": campaign},
            "campaign": campaign,
            "form": form,
            "opts": Campaign._meta,
        }
        return TemplateResponse(request, "admin/petitions/test_letter.html", context)
