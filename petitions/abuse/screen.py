"""The abuse screen: layered, silent defences for the signing form.

Each defence is configured per campaign (the abuse_* fields of Campaign). A signature that trips any
of them is not refused: it is stored as held (not counted, no letter) and its sender sees the very
same thank-you page as everyone else, so a bot learns nothing and a wrongly held person loses
nothing (an organiser can release them, petitions/abuse/moderation.py).

The per-IP limit is a soft signal: mobile carriers put thousands of people behind one address, so
it holds only signers who did not solve the proof-of-work captcha.
"""

from collections.abc import Mapping
from datetime import UTC, datetime

from django.conf import settings

from campaigns.models import Campaign
from petitions.abuse import captcha, store
from petitions.abuse.formguard import CAPTCHA_FIELD, HONEYPOT_FIELD, STAMP_FIELD, seconds_since_render
from petitions.abuse.lists import SHARED_MAIL_PROVIDERS, email_domain, is_blocked, is_disposable
from petitions.core.hashing import ip_hash, keyed_hash

HOUR = 3600
DAY = 24 * HOUR

__all__ = ["CAPTCHA_FIELD", "HONEYPOT_FIELD", "STAMP_FIELD", "screen_signature"]


def screen_signature(
    *, campaign: Campaign, data: Mapping, email: str, email_key: str, client_ip: str | None
) -> tuple[str, ...]:
    """The reasons to hold this signature (empty: none). `email` is normalised, `email_key` its hash.

    Every limit counts each attempt, held or not, so a bot that keeps trying stays over it.
    """
    reasons = []
    if campaign.abuse_honeypot and data.get(HONEYPOT_FIELD):
        reasons.append("honeypot")
    if campaign.abuse_min_fill_seconds:
        elapsed = seconds_since_render(data.get(STAMP_FIELD, ""), campaign.pk)
        if elapsed is None:
            reasons.append("no_form_stamp")
        elif elapsed < campaign.abuse_min_fill_seconds:
            reasons.append("too_fast")
    captcha_solved = False
    if campaign.abuse_captcha:
        problem = captcha.check_solution(data.get(CAPTCHA_FIELD, ""))
        captcha_solved = problem is None
        if problem:
            reasons.append(problem)
    domain = email_domain(email)
    if campaign.abuse_block_disposable and is_disposable(domain):
        reasons.append("disposable")
    if is_blocked(email=email, client_ip=client_ip):
        reasons.append("block_list")
    reasons.extend(_over_limits(campaign, email_key, domain, client_ip, captcha_solved=captcha_solved))
    return tuple(reasons)


def _over_limits(
    campaign: Campaign, email_key: str, domain: str, client_ip: str | None, *, captcha_solved: bool
) -> list[str]:
    """All of a signature's counters in one Redis round trip. Keys hold keyed hashes only: Redis
    never sees an address."""
    now = datetime.now(UTC)
    hour, day = now.strftime("%Y%m%d%H"), now.strftime("%Y%m%d")
    checks = []  # (reason, key, window, limit)
    if campaign.abuse_email_daily_limit:
        checks.append(("email_limit", f"abuse:email:{email_key}:{day}", DAY, campaign.abuse_email_daily_limit))
    if campaign.abuse_domain_hourly_limit and domain not in SHARED_MAIL_PROVIDERS:
        domain_key = keyed_hash(settings.EMAIL_HASH_KEY, "domain:" + domain)[:32]
        key = f"abuse:{campaign.pk}:domain:{domain_key}:{hour}"
        checks.append(("domain_limit", key, HOUR, campaign.abuse_domain_hourly_limit))
    if campaign.abuse_ip_hourly_limit and client_ip:
        key = f"abuse:{campaign.pk}:ip:{ip_hash(client_ip)[:32]}:{hour}"
        checks.append(("ip_limit", key, HOUR, campaign.abuse_ip_hourly_limit))
    counts = store.hit_many([(key, window) for _reason, key, window, _limit in checks])
    return [
        reason
        for (reason, _key, _window, limit), count in zip(checks, counts, strict=True)
        # The per-IP limit is soft: a solved proof of work outweighs a shared address.
        if count > limit and not (reason == "ip_limit" and captcha_solved)
    ]
