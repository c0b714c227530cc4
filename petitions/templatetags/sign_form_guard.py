"""{% sign_form_guard campaign form %}: the abuse defences' part of the signing form.

Rendered outside the cached blank form: the page stamp is new on every render. A form sent back with
errors keeps the stamp it was sent with, so correcting a field does not restart the fill time. The
captcha's widget fetches its challenge (one per visitor), so the page itself stays shareable.
"""

import json

from django import template
from django.utils.translation import get_language

from petitions.abuse.formguard import STAMP_FIELD, issue_stamp, seconds_since_render

register = template.Library()


@register.inclusion_tag("petitions/_sign_form_guard.html")
def sign_form_guard(campaign, form=None) -> dict:
    sent = form.data.get(STAMP_FIELD, "") if form is not None and form.is_bound else ""
    return {
        "honeypot": campaign.abuse_honeypot,
        "stamp": sent if seconds_since_render(sent, campaign.pk) is not None else issue_stamp(campaign.pk),
        "captcha": campaign.abuse_captcha,
        "configuration": json.dumps({"hideFooter": True, "hideLogo": True, "language": get_language()}),
    }
