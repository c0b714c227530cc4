"""Erasing signers' personal data from the admin, for a signer who asked the organisers directly,
and the log of those erasures. Only roles that may erase see the action (campaigns/roles.py)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from campaigns.roles import Can
from outcry import adminconfirm
from petitions.admin.base import ReadOnlyAdmin
from petitions.enums import CANCELLABLE_STATUSES
from petitions.models import Delivery, SignerErasure
from petitions.privacy import signer_requests


class ErasureActionMixin:
    """For SignatureAdmin: "Erase the signers' personal data", asked for on a page of its own."""

    def has_erase_permission(self, request) -> bool:
        return self._permission("erase", request, lambda: request.user.has_perm("petitions.delete_signature"))

    @admin.action(description=_("Erase the signers' personal data"), permissions=["erase"])
    def erase_signers(self, request, queryset):
        if adminconfirm.confirmed(request):
            records = signer_requests.erase_for_organiser(
                signatures=queryset, user=request.user, actor=request.user.get_username()
            )
            erased = sum(record.signatures for record in records)
            self.message_user(
                request,
                _("Erased the personal data of %(count)s signature(s); the erasure log records it.")
                % {"count": erased},
            )
            return None
        figures = queryset.aggregate(total=Count("pk"), done=Count("pk", filter=Q(anonymised_at__isnull=False)))
        waiting = Delivery.objects.filter(signature__in=queryset, status__in=CANCELLABLE_STATUSES).count()
        consequences = [
            _("Signatures whose names, address, city, organisation and message are erased: %(count)s.")
            % {"count": figures["total"] - figures["done"]},
            _("They stay counted, and the letters already sent stay in the records, their words removed."),
            _("Letters still waiting for them, cancelled: %(count)s.") % {"count": waiting},
            _("The erasure log records your name, the time and the number of signatures."),
        ]
        if figures["done"]:
            consequences.append(_("Already erased, unchanged: %(count)s.") % {"count": figures["done"]})
        return adminconfirm.confirmation_page(
            self,
            request,
            queryset,
            action="erase_signers",
            title=_("Erase these signers' personal data?"),
            consequences=consequences,
            confirm_label=_("Yes, erase their data"),
            can_confirm=figures["total"] > figures["done"],
        )


@admin.register(SignerErasure)
class SignerErasureAdmin(ReadOnlyAdmin):
    tenant_path = "campaign__organisation"
    organiser_capabilities = {**ReadOnlyAdmin.organiser_capabilities, "view": Can.SEE_SIGNERS}
    list_display = ["erased_at", "campaign", "actor", "signatures", "waiting"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    fields = list_display
    readonly_fields = list_display
