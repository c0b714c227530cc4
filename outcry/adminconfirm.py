"""Admin actions that cannot be undone ask first, on a page of their own that says in numbers what
will happen, as Django's own delete confirmation does: closing a campaign for good, cancelling
waiting letters. The action runs only when the form on that page is sent back confirmed.
"""

from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


def confirmation_page(
    modeladmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    consequences: list[str],
    confirm_label: str,
    can_confirm: bool = True,
) -> TemplateResponse:
    """The page that asks; its form sends the same selection back to `action`, confirmed."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "action": action,
        "consequences": consequences,
        "confirm_label": confirm_label,
        "can_confirm": can_confirm,
        "selected": list(queryset.values_list("pk", flat=True)),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back_url": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/outcry/confirm_action.html", context)
