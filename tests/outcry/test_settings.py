"""Start-up refuses weak or malformed production settings with a message that names the problem."""

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
