"""The admin's first page: the last check of the sending domain, for superusers only."""

from django import template

from petitions.mail.domain_check import OK, latest_check, spoken

register = template.Library()


@register.inclusion_tag("admin/petitions/_sending_domain.html", takes_context=True)
def sending_domain_panel(context) -> dict:
    request = context.get("request")
    if request is None or not request.user.is_superuser:
        return {"show": False}
    check = latest_check()
    findings = [
        finding | {"text": spoken(finding["text"]), "record": spoken(finding["record"])}
        for finding in (check.findings if check else [])
    ]
    return {
        "show": True,
        "check": check,
        "problems": [finding for finding in findings if finding["status"] != OK],
        "fine": [finding for finding in findings if finding["status"] == OK],
    }
