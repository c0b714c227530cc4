"""Filling the signing form as a person or as a bot would."""

import time

import altcha
from django.urls import reverse

from petitions.abuse import captcha
from petitions.abuse.formguard import issue_stamp


def stamped(campaign, data: dict, *, seconds_ago: float = 30) -> dict:
    """The form as a browser sends it after `seconds_ago` seconds on the page."""
    return {**data, "form_stamp": issue_stamp(campaign.pk, now=time.time() - seconds_ago), "homepage": ""}


def solved_captcha() -> str:
    """What the widget puts in the form once it has solved a fresh challenge of ours."""
    challenge = altcha.Challenge.from_dict(captcha.new_challenge())
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


def sign(client, campaign, data: dict, *, ip: str = "203.0.113.7"):
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR=ip)
