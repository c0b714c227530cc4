"""{% sign_form_guard campaign form %}: the abuse defences' part of the signing form.

Rendered outside the cached blank form: the page stamp is new on every render. A form sent back with
errors keeps the stamp it was sent with, so correcting a field does not restart the fill time. The
captcha's widget fetches its challenge (one per visitor), so the page itself stays shareable.
"""

import json

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from petitions.abuse.formguard import STAMP_FIELD, issue_stamp, seconds_since_render

register = template.Library()


@register.inclusion_tag("petitions/_sign_form_guard.html")
def sign_form_guard(campaign, form=None) -> dict:
    sent = form.data.get(STAMP_FIELD, "") if form is not None and form.is_bound else ""
    return {
        "honeypot": campaign.abuse_honeypot,
        "stamp": sent if seconds_since_render(sent, campaign.pk) is not None else issue_stamp(campaign.pk),
        "captcha": campaign.abuse_captcha,
        **(_widget_attributes() if campaign.abuse_captcha else {}),
    }


def _widget_attributes() -> dict[str, str]:
    return {
        "configuration": json.dumps({"hideFooter": True, "hideLogo": True, "language": get_language()}),
        # Registered by static/js/altcha-setup.js as the widget's texts for the page's language.
        "strings": json.dumps(widget_strings(), ensure_ascii=False),
    }


def widget_strings() -> dict[str, str]:
    """What the captcha widget says, in the page's language: the vendored build carries only English."""
    return {
        "label": _("I'm not a robot"),
        "verified": _("Verified"),
        "verifying": _("Verifying…"),
        "waitAlert": _("Verifying… please wait."),
        "error": _("Verification failed. Try again later."),
        "expired": _("Verification expired. Try again."),
        "verificationRequired": _("Verification required!"),
        "verify": _("Verify"),
        "reload": _("Reload"),
        "loading": _("Loading…"),
    }
