"""The own-mailbox count on the embedded setup (SQLite, no Redis): the suite runs on PostgreSQL, so
the one statement that adds to a counter shard is tried here on SQLite as `make run` uses it."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.outcry.test_embedded_setup import SERVICE_VARIABLES

BASE_DIR = Path(__file__).resolve().parents[2]

PRESS_THREE_TIMES = """
import json
from django.test import Client
from campaigns.models import Campaign
from petitions.management.commands.seed_demo import SLUG

Campaign.objects.filter(slug=SLUG).update(signers_at_risk=False, own_mailbox_links=True)
client = Client(SERVER_NAME="localhost")
page = client.get(f"/en/c/{SLUG}/share/").content.decode()
answers = [client.post(f"/c/{SLUG}/own-mail/", HTTP_SEC_FETCH_SITE="same-origin").status_code for _ in range(3)]
from django.core.cache import cache
cache.clear()
body = client.get(f"/c/{SLUG}/counter.json").json()
print(json.dumps({"buttons": page.count("data-own-mail="), "answers": answers, "counter": body}))
"""


def test_presses_count_on_the_embedded_sqlite_setup(tmp_path):
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env |= {"DEBUG": "true", "OUTCRY_VAR_DIR": str(tmp_path), "SITE_URL": "http://127.0.0.1:8000"}
    for args in (["migrate", "--noinput"], ["seed_demo"], ["shell", "--no-imports", "-c", PRESS_THREE_TIMES]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"

    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["buttons"] == 4  # one target: the mail app, Gmail, Outlook.com, Yahoo
    assert seen["answers"] == [204, 204, 204]
    assert seen["counter"]["own_mail"] == 3
    assert seen["counter"]["emails_sent"] == 0
