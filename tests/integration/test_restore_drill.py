"""The restore drill of docs/operators/backups.md, as an operator runs it: pg_dump, pg_restore into a
fresh database, and the app serves and decrypts with the same keys; with another key the signers'
data cannot be read, and the dump itself holds none of it in plain text."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.processes import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
OTHER_KEY = base64.urlsafe_b64encode(b"o" * 32).decode()


def postgres_args(settings_dict: dict) -> list[str]:
    return [
        "-h",
        settings_dict["HOST"] or "127.0.0.1",
        "-p",
        str(settings_dict["PORT"] or 5432),
        "-U",
        settings_dict["USER"] or "postgres",
    ]


def manage(*args: str, database: str, key: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in {"CELERY_BROKER_URL", "EMAIL_BACKEND"}}
    env |= {"DATABASE_URL": database, "SIGNER_DATA_KEYS": key, "DEBUG": "true", "ALLOWED_HOSTS": "testserver"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def restored(tmp_path):
    """A fresh database for the restore, dropped afterwards."""
    name = f"outcry_restore_{secrets.token_hex(4)}"
    target = {**connection.settings_dict, "NAME": name}
    subprocess.run(["createdb", *postgres_args(target), name], check=True)
    yield target
    subprocess.run(["dropdb", *postgres_args(target), "--force", name], check=True)


def test_a_dump_restored_into_a_fresh_database_serves_and_decrypts_with_the_same_keys(
    client, campaign, bob_form, settings, restored, tmp_path
):
    settings.SIGNER_DATA_KEYS = [KEY]
    for email in ("bob.builder@example.net", "carol.jones@example.org"):
        assert client.post(f"/en/c/{campaign.slug}/", bob_form | {"email": email}).status_code == 302
    dump = tmp_path / "outcry.dump"
    source = connection.settings_dict
    subprocess.run(["pg_dump", *postgres_args(source), "-Fc", "-f", str(dump), source["NAME"]], check=True)
    subprocess.run(
        ["pg_restore", *postgres_args(restored), "--no-owner", "-d", restored["NAME"], str(dump)], check=True
    )
    database = database_url(restored)

    recount = manage("reconcile_counters", database=database, key=KEY)
    export = manage("export_signatures", campaign.slug, "--no-progress", database=database, key=KEY)
    served = manage(
        "shell",
        "-c",
        "from django.test import Client; browser = Client(); "
        f"print(browser.get('/en/c/{campaign.slug}/').status_code, "
        f"browser.get('/c/{campaign.slug}/counter.json').json())",
        database=database,
        key=KEY,
    )

    assert recount.returncode == 0, recount.stderr
    assert export.returncode == 0, export.stderr
    assert "bob.builder@example.net" in export.stdout
    assert "carol.jones@example.org" in export.stdout
    assert export.stdout.count("Builder") == 2
    assert served.returncode == 0, served.stderr
    assert served.stdout.strip().splitlines()[-1].startswith("200 {'signatures': 2,")


def test_without_the_key_a_restored_dump_tells_nothing_of_the_signers(
    client, campaign, bob_form, settings, restored, tmp_path
):
    settings.SIGNER_DATA_KEYS = [KEY]
    assert client.post(f"/en/c/{campaign.slug}/", bob_form).status_code == 302
    dump = tmp_path / "outcry.sql"
    source = connection.settings_dict
    subprocess.run(["pg_dump", *postgres_args(source), "-f", str(dump), source["NAME"]], check=True)
    subprocess.run(["psql", *postgres_args(restored), "-q", "-d", restored["NAME"], "-f", str(dump)], check=True)

    export = manage("export_signatures", campaign.slug, "--no-progress", database=database_url(restored), key=OTHER_KEY)

    text = dump.read_text()
    assert "Builder" not in text
    assert "bob.builder" not in text.lower()
    assert export.returncode != 0
    assert "cannot be decrypted with SIGNER_DATA_KEYS" in export.stderr
    assert "Builder" not in export.stdout
