"""Start-up refuses weak or malformed production settings with a message that names the problem."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 30 + "abcdefghijklmnopqrstuvwxyz0123456789"


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean | {"DJANGO_SETTINGS_MODULE": "outcry.settings"} | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_KEY,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/outcry",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_load():
    assert load_settings(**PRODUCTION).returncode == 0


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set to a random value"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set to a random value"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"REDIS_URL": ""}, "REDIS_URL (or CELERY_BROKER_URL) is not set"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS='*' is refused"),
        ({"CONN_MAX_AGE": "forever"}, "Environment variable CONN_MAX_AGE is not a valid int"),
        ({"DEBUG": "maybe"}, "Environment variable DEBUG is not a valid bool"),
        ({"DAILY_SUMMARY_HOUR": "24"}, "DAILY_SUMMARY_HOUR must be an hour from 0 to 23, not 24."),
    ],
)
def test_weak_or_bad_production_settings_stop_startup(override, message):
    result = load_settings(**(PRODUCTION | override))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(STRONG_KEY)
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"} | {"SECRET_KEY_FILE": str(secret_file)}

    assert load_settings(**env).returncode == 0


HTTPS_DEFAULTS = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(raise_request_exception=False)  # /healthz may find no database: any answer but a redirect
print(json.dumps({
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS > 0 and settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "silenced": list(settings.SILENCED_SYSTEM_CHECKS),
    "home": [client.get("/").status_code, client.get("/").get("Location")],
    "healthz_redirected": client.get("/healthz").status_code in (301, 302),
}))
"""


def test_production_defaults_are_https_only_with_healthz_exempt():
    """Nothing but the required variables: cookies are secure, http goes to https, HSTS is on, no
    system check is silenced, and load balancers can still probe /healthz over plain http."""
    result = subprocess.run(
        [sys.executable, "-c", HTTPS_DEFAULTS],
        env={k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "ALLOWED_HOSTS"))}
        | {"DJANGO_SETTINGS_MODULE": "outcry.settings", "ALLOWED_HOSTS": "testserver"}
        | PRODUCTION,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "hsts": True,
        "silenced": [],
        "home": [301, "https://testserver/"],
        "healthz_redirected": False,
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"AXES_RETENTION_DAYS": "0"}, "AXES_RETENTION_DAYS must be at least 1"),
        ({"ADMIN_TWO_FACTOR": "optional"}, "ADMIN_TWO_FACTOR=optional is no longer offered"),
    ],
)
def test_unsafe_security_settings_stop_startup(override, message):
    result = load_settings(**(PRODUCTION | override))

    assert result.returncode != 0
    assert message in result.stderr
