"""{% sign_form_guard campaign %}: the abuse defences' part of the signing form.

Rendered outside the cached blank form: the page stamp and the captcha challenge are new on every
page view.
"""

import json

from django import template
from django.utils.translation import get_language

from petitions.abuse import captcha
from petitions.abuse.formguard import issue_stamp

register = template.Library()


@register.inclusion_tag("petitions/_sign_form_guard.html")
def sign_form_guard(campaign) -> dict:
    return {
        "honeypot": campaign.abuse_honeypot,
        "stamp": issue_stamp(campaign.pk),
        "challenge": json.dumps(captcha.new_challenge()) if campaign.abuse_captcha else "",
        "configuration": json.dumps({"hideFooter": True, "hideLogo": True, "language": get_language()}),
    }
