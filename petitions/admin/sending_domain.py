"""The sending domain's DNS, for the people who run the install (superusers): the last check on the
admin's first page (templatetags/outcry_admin.py), and a button that looks again now."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from petitions.mail.domain_check import record_check, spoken
from petitions.models import SendingDomainCheck


@admin.register(SendingDomainCheck)
class SendingDomainCheckAdmin(admin.ModelAdmin):
    list_display = ["checked_at", "failed"]
    fields = readonly_fields = ["checked_at", "failed", "what_was_found"]

    @admin.display(description=gettext_lazy("what was found"))
    def what_was_found(self, check):
        rows = ((f["name"], spoken(f["text"]), spoken(f["record"])) for f in check.findings)
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong>: {} <code>{}</code></li>", rows)
        )

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        check = self.admin_site.admin_view(require_POST(self.check_now_view))
        return [path("check-now/", check, name="petitions_sendingdomaincheck_check_now"), *super().get_urls()]

    def check_now_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        check = record_check()
        if check.failed:
            self.message_user(
                request, _("The sending domain lacks something letters need: see below."), messages.WARNING
            )
        else:
            self.message_user(request, _("The sending domain has what letters need."))
        return redirect(reverse("admin:index") + "#sending-domain")
