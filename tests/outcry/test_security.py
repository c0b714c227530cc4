"""HTTP hardening: CSP, framing, caching of personal pages, cookies, admin lockout and two-factor."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.outcry.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def csp(response) -> dict[str, str]:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def test_campaign_page_has_a_strict_policy_and_cannot_be_framed(client, campaign):
    response = client.get(reverse("petitions:campaign", args=[campaign.slug]))

    policy = csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["style-src"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.urls("tests.outcry.framing_urls")
def test_only_responses_marked_by_allow_framing_may_be_framed(client, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example.org"]

    framed, plain = client.get("/embedded/"), client.get("/plain/")

    assert csp(framed)["frame-ancestors"] == "https://partner.example.org"
    assert "X-Frame-Options" not in framed
    assert csp(plain)["frame-ancestors"] == "'none'"
    assert plain["X-Frame-Options"] == "DENY"


@pytest.mark.urls("tests.outcry.framing_urls")
def test_personal_pages_are_never_stored(client):
    assert "no-store" in client.get("/personal/")["Cache-Control"]
    assert "no-store" not in client.get("/plain/").get("Cache-Control", "")


def test_admin_pages_and_answers_to_posts_are_never_stored(client, campaign, bob_form):
    login = client.get(reverse("admin:login"))
    rejected = client.post(reverse("petitions:campaign", args=[campaign.slug]), {**bob_form, "email": "bad"})

    assert "no-store" in login["Cache-Control"]
    assert rejected.status_code == 200
    assert "bob" in rejected.content.decode().lower()
    assert "no-store" in rejected["Cache-Control"]
    assert "private" in rejected["Cache-Control"]


def test_public_pages_stay_cacheable(client, campaign):
    response = client.get(reverse("petitions:counter", args=[campaign.slug]))

    assert "no-store" not in response["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_handlers_or_javascript_urls(template):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert not JS_URL.search(text)


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, campaign, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "root-password-123")
    client.get(reverse("admin:login"))
    client.post(reverse("admin:login"), {"username": "root", "password": "root-password-123"})

    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    assert user.is_authenticated


def test_production_settings_make_cookies_secure_and_send_hsts():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "outcry.settings"} | PRODUCTION

    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)

    assert result.stdout.split() == ["True", "True", "31536000", "True"], result.stderr


def test_hsts_header_on_https(client, campaign, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get(reverse("petitions:campaign", args=[campaign.slug]), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_organiser_sessions_last_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
