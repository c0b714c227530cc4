"""Each defence holds what it should, silently: same page, stored as held, not counted, no letter."""

import time

import pytest
from django.urls import reverse

from outcry.sharedcache import MEMORY_SECONDS
from petitions.abuse.formguard import issue_stamp, seconds_since_render
from petitions.enums import SignatureStatus
from petitions.models import BlockRule, Delivery, Signature
from petitions.reporting.public import campaign_counters
from tests.petitions.abuse.helpers import sign, solved_captcha, stamped
from tests.wsgiclient import WSGIClient

pytestmark = pytest.mark.django_db


def only_signature() -> Signature:
    return Signature.objects.get()


def assert_held(response, campaign, *reasons: str) -> None:
    """What a held signer sees and what is stored: the same redirect as everyone, nothing counted."""
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:share", args=[campaign.slug])
    signature = only_signature()
    assert signature.status == SignatureStatus.HELD
    assert signature.hold_reasons.split() == list(reasons)
    assert signature.confirmed_at is None
    assert Delivery.objects.count() == 0
    assert campaign_counters(campaign).signatures == 0


def assert_confirmed(response) -> None:
    assert response.status_code == 302
    signature = only_signature()
    assert (signature.status, signature.hold_reasons) == (SignatureStatus.CONFIRMED, "")
    assert Delivery.objects.count() == 1


def test_human_who_took_their_time_is_confirmed(client, guarded, bob_form):
    assert_confirmed(sign(client, guarded, stamped(guarded, bob_form, seconds_ago=20)))


def test_filled_honeypot_is_held(client, guarded, bob_form):
    response = sign(client, guarded, {**stamped(guarded, bob_form), "homepage": "http://spam.example"})

    assert_held(response, guarded, "honeypot")


def test_honeypot_switched_off_is_ignored(client, guarded, bob_form):
    guarded.abuse_honeypot = False
    guarded.save()

    assert_confirmed(sign(client, guarded, {**stamped(guarded, bob_form), "homepage": "http://spam.example"}))


def test_form_sent_faster_than_the_minimum_is_held(client, guarded, bob_form):
    assert_held(sign(client, guarded, stamped(guarded, bob_form, seconds_ago=1)), guarded, "too_fast")


@pytest.mark.parametrize(
    "stamp",
    ["", "not-a-stamp", "WzEsIDFd:forged:signature", issue_stamp(999_999, now=time.time() - 60)],
    ids=["missing", "garbage", "forged", "other-campaign"],
)
def test_form_without_a_valid_stamp_is_held(client, guarded, bob_form, stamp):
    assert_held(sign(client, guarded, {**bob_form, "form_stamp": stamp}), guarded, "no_form_stamp")


def test_stamp_older_than_two_days_is_held(client, guarded, bob_form):
    response = sign(client, guarded, stamped(guarded, bob_form, seconds_ago=3 * 24 * 3600))

    assert_held(response, guarded, "no_form_stamp")


def test_fill_time_switched_off_accepts_a_form_without_stamp(client, campaign, bob_form):
    assert_confirmed(sign(client, campaign, bob_form))


def test_solved_captcha_is_confirmed(client, guarded, bob_form):
    guarded.abuse_captcha = True
    guarded.save()

    assert_confirmed(sign(client, guarded, {**stamped(guarded, bob_form), "altcha": solved_captcha()}))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [("", "captcha_missing"), ("eyJub3QiOiAiYSBzb2x1dGlvbiJ9", "captcha_invalid"), ("x" * 5000, "captcha_invalid")],
    ids=["missing", "not-a-solution", "oversized"],
)
def test_captcha_not_solved_is_held(client, guarded, bob_form, payload, reason):
    guarded.abuse_captcha = True
    guarded.save()

    assert_held(sign(client, guarded, {**stamped(guarded, bob_form), "altcha": payload}), guarded, reason)


def test_spent_captcha_solution_is_held_the_second_time(client, guarded, bob_form):
    guarded.abuse_captcha = True
    guarded.save()
    payload = solved_captcha()
    sign(client, guarded, {**stamped(guarded, bob_form), "email": "first@example.net", "altcha": payload})

    sign(client, guarded, {**stamped(guarded, bob_form), "altcha": payload})

    second = Signature.objects.with_email("bob.builder@example.net").get()
    assert (second.status, second.hold_reasons) == (SignatureStatus.HELD, "captcha_spent")
    assert campaign_counters(guarded).signatures == 1


def test_expired_captcha_is_held(client, guarded, bob_form, settings):
    guarded.abuse_captcha = True
    guarded.save()
    settings.ALTCHA_EXPIRES_SECONDS = -10
    payload = solved_captcha()

    assert_held(sign(client, guarded, {**stamped(guarded, bob_form), "altcha": payload}), guarded, "captcha_expired")


def test_captcha_page_carries_a_challenge_and_no_inline_script(client, guarded):
    guarded.abuse_captcha = True
    guarded.save()

    page = client.get(reverse("petitions:campaign", args=[guarded.slug])).content.decode()

    assert "<altcha-widget" in page
    # One challenge per visitor, fetched by the widget: the page itself is the same for everyone.
    assert 'challenge="/captcha/challenge.json"' in page
    assert "&quot;parameters&quot;" not in page
    assert 'name="form_stamp"' in page
    assert 'name="homepage"' in page
    assert "<script>" not in page
    assert '<script type="module" src=' in page


def _served_stamp(client, url) -> str:
    return client.get(url).content.decode().split('name="form_stamp" value="')[1].split('"')[0]


def test_page_served_from_cache_carries_a_stamp_at_most_a_second_old(guarded):
    url = reverse("petitions:campaign", args=[guarded.slug])
    client = WSGIClient()  # through the kept responses, as gunicorn serves the page
    assert _served_stamp(client, url) == _served_stamp(client, url)  # the second read was kept

    first = _served_stamp(client, url)
    time.sleep(MEMORY_SECONDS + 0.1)
    second = _served_stamp(client, url)

    assert first != second
    assert 0 <= seconds_since_render(second, guarded.pk) < MEMORY_SECONDS + 0.5


def test_captcha_challenges_are_new_for_every_visitor_and_never_stored(client):
    answers = [client.get("/captcha/challenge.json") for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() != answers[1].json()
    assert {"parameters", "signature"} <= set(answers[0].json())
    assert "no-store" in answers[0]["Cache-Control"]


def test_a_form_sent_back_with_an_error_keeps_its_stamp(client, guarded, bob_form):
    data = stamped(guarded, bob_form, seconds_ago=60) | {"last_name": ""}

    page = client.post(reverse("petitions:campaign", args=[guarded.slug]), data).content.decode()

    assert f'name="form_stamp" value="{data["form_stamp"]}"' in page


def test_disposable_address_is_held(client, guarded, bob_form):
    response = sign(client, guarded, {**stamped(guarded, bob_form), "email": "bot@mailinator.com"})

    assert_held(response, guarded, "disposable")


def test_disposable_check_switched_off_accepts_it(client, guarded, bob_form):
    guarded.abuse_block_disposable = False
    guarded.save()

    assert_confirmed(sign(client, guarded, {**stamped(guarded, bob_form), "email": "bot@mailinator.com"}))


@pytest.mark.parametrize(
    ("kind", "value", "email", "ip"),
    [
        (BlockRule.Kind.EMAIL, "  Bob.Builder@EXAMPLE.net", "bob.builder@example.net", "203.0.113.7"),
        (BlockRule.Kind.DOMAIN, "@Example.NET", "bob@mx.example.net", "203.0.113.7"),
        (BlockRule.Kind.NETWORK, "198.51.100.0/24", "bob@example.net", "198.51.100.77"),
        (BlockRule.Kind.NETWORK, "2001:db8::/32", "bob@example.net", "2001:db8::1"),
    ],
    ids=["email", "domain-and-subdomains", "ipv4-network", "ipv6-network"],
)
def test_block_rules_hold_matching_signatures(client, guarded, bob_form, kind, value, email, ip):
    rule = BlockRule(kind=kind, value=value)
    rule.full_clean()
    rule.save()

    response = sign(client, guarded, {**stamped(guarded, bob_form), "email": email}, ip=ip)

    assert_held(response, guarded, "block_list")


def test_block_rule_with_a_bad_value_names_the_problem():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="IP address or a network"):
        BlockRule(kind=BlockRule.Kind.NETWORK, value="not-a-network").full_clean()


def test_email_attempts_past_the_daily_limit_are_held_on_any_campaign(client, guarded, bob_form):
    from tests.factories import live_campaign

    guarded.abuse_email_daily_limit = 2
    guarded.save()
    other = live_campaign(abuse_email_daily_limit=2)
    sign(client, other, stamped(other, bob_form))
    sign(client, other, stamped(other, bob_form))  # a repeat counts as an attempt too

    sign(client, guarded, stamped(guarded, bob_form))

    held = Signature.objects.get(campaign=guarded)
    assert (held.status, held.hold_reasons) == (SignatureStatus.HELD, "email_limit")


def test_domain_past_its_hourly_limit_is_held_but_webmail_is_exempt(client, guarded, bob_form):
    guarded.abuse_domain_hourly_limit = 2
    guarded.save()
    for n in range(3):
        sign(client, guarded, stamped(guarded, bob_form) | {"email": f"p{n}@small-union.example"}, ip=f"10.0.0.{n}")
        sign(client, guarded, stamped(guarded, bob_form) | {"email": f"p{n}@gmail.com"}, ip=f"10.0.1.{n}")

    statuses = dict(Signature.objects.values_list("email", "hold_reasons"))
    assert statuses == {
        "p0@small-union.example": "",
        "p1@small-union.example": "",
        "p2@small-union.example": "domain_limit",
        "p0@gmail.com": "",
        "p1@gmail.com": "",
        "p2@gmail.com": "",
    }


def test_ip_past_its_limit_is_held_unless_the_captcha_was_solved(client, guarded, bob_form):
    guarded.abuse_ip_hourly_limit = 2
    guarded.save()
    for n in range(3):
        sign(client, guarded, stamped(guarded, bob_form) | {"email": f"carrier{n}@example.net"}, ip="100.64.0.1")
    guarded.abuse_captcha = True
    guarded.save()
    from campaigns.selectors import forget_campaign_pages

    forget_campaign_pages()
    data = stamped(guarded, bob_form) | {"email": "solver@example.net", "altcha": solved_captcha()}
    sign(client, guarded, data, ip="100.64.0.1")

    reasons = dict(Signature.objects.values_list("email", "hold_reasons"))
    assert reasons == {
        "carrier0@example.net": "",
        "carrier1@example.net": "",
        "carrier2@example.net": "ip_limit",
        "solver@example.net": "",
    }


def test_every_reason_is_recorded_together(client, guarded, bob_form):
    data = {**bob_form, "homepage": "x", "email": "bot@mailinator.com"}

    assert_held(sign(client, guarded, data), guarded, "honeypot", "no_form_stamp", "disposable")


def test_signing_goes_on_when_redis_is_down(client, guarded, bob_form, settings):
    settings.ABUSE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    guarded.abuse_captcha = True
    guarded.save()

    assert_confirmed(sign(client, guarded, {**stamped(guarded, bob_form), "altcha": solved_captcha()}))


def test_held_signer_can_not_sign_again_to_get_counted(client, guarded, bob_form):
    sign(client, guarded, {**stamped(guarded, bob_form), "homepage": "x"})

    response = sign(client, guarded, stamped(guarded, bob_form))

    assert response.status_code == 302
    assert only_signature().status == SignatureStatus.HELD
    assert campaign_counters(guarded).signatures == 0


def test_limits_count_in_the_cache_where_there_is_no_redis(client, guarded, bob_form, settings):
    settings.ABUSE_REDIS_URL = ""  # the embedded setup
    guarded.abuse_ip_hourly_limit = 1
    guarded.save()

    for n in range(2):
        sign(client, guarded, stamped(guarded, bob_form) | {"email": f"p{n}@example.net"})

    assert dict(Signature.objects.values_list("email", "hold_reasons")) == {
        "p0@example.net": "",
        "p1@example.net": "ip_limit",
    }


def test_all_counters_of_a_signature_go_to_redis_in_one_round_trip(client, guarded, bob_form, monkeypatch):
    from petitions.abuse import store

    calls = []
    real = store.hit_many
    monkeypatch.setattr(store, "hit_many", lambda counters: calls.append(len(counters)) or real(counters))

    sign(client, guarded, stamped(guarded, bob_form) | {"email": "p@small-union.example"})

    assert calls == [3]  # email, domain and IP, together


def test_an_abuse_store_that_hangs_is_skipped_for_a_while_and_the_limits_fail_open(
    client, guarded, bob_form, monkeypatch
):
    """A hung Redis is one short timeout per process, not one per signature: after it, the
    counters read zero (nothing held for a limit) without asking Redis, until the pause is over."""
    from types import SimpleNamespace

    import redis

    from petitions.abuse import store
    from petitions.core import breaker

    clock = SimpleNamespace(monotonic=lambda: 1000.0)
    monkeypatch.setattr(breaker, "time", clock)
    calls = []

    def hangs(self, *args, **kwargs):
        calls.append(1)
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(redis.client.Pipeline, "execute", hangs)
    guarded.abuse_ip_hourly_limit = 1
    guarded.save()

    for n in range(3):
        sign(client, guarded, stamped(guarded, bob_form) | {"email": f"p{n}@example.net"})

    assert list(Signature.objects.values_list("status", "hold_reasons")) == [(SignatureStatus.CONFIRMED, "")] * 3
    assert calls == [1]
    clock.monotonic = lambda: 1006.0  # REDIS_RETRY_AFTER_SECONDS (5) later
    store.hit_many([("abuse:test", 60)])
    assert calls == [1, 1]  # tried again once the pause is over
