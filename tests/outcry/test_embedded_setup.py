"""The embedded `make run` setup (SQLite, no services): every admin page an organiser reaches renders.

The suite itself runs on PostgreSQL, so a query only PostgreSQL understands would pass it and still
break `make run`. This test runs the same steps as `make run` in a fresh var/ directory, with no
DATABASE_URL or REDIS_URL, then visits the admin as the demo's superuser and as a plain organiser.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Which services the embedded setup must do without: each of these switches one on.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "ABUSE_REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "EMAIL_BACKEND",
)

# Run inside `manage.py shell`: GET each page as each user and print "visit <status> <user> <url>".
# A page that fails raises here (the test client re-raises), so the traceback shows in the test.
VISIT_ADMIN = """
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Organisation
from petitions.management.commands.seed_demo import SLUG
from tests.factories import SignatureFactory
from tests.twofactor import verified_login

campaign = Campaign.objects.get(slug=SLUG)
SignatureFactory.create_batch(2, campaign=campaign, country="AZ")
organiser, _ = get_user_model().objects.get_or_create(username="organiser", defaults={"is_staff": True})
Organisation.objects.get(pk=campaign.organisation_id).members.add(organiser)
campaign_pages = [
    reverse(name, args=[campaign.pk])
    for name in (
        "admin:campaigns_campaign_change",
        "admin:petitions_signature_dashboard",
        "admin:petitions_signature_page_preview",
        "admin:petitions_delivery_letter_preview",
        "admin:petitions_delivery_test_letter",
        "admin:petitions_signature_export",
    )
]
for user in (get_user_model().objects.get(username="admin"), organiser):
    request = RequestFactory().get("/admin/")
    request.user = user
    # The lists the admin index offers this user: every model they can reach.
    lists = [model["admin_url"] for app in admin.site.get_app_list(request) for model in app["models"]]
    client = Client(SERVER_NAME="localhost")  # an ALLOWED_HOSTS name: this is not the test runner
    verified_login(client, user)  # organisers and superusers sign in with a one-time code
    for url in [reverse("admin:index"), *lists, *campaign_pages]:
        print("visit", client.get(url).status_code, user.username, url, flush=True)
dashboard = client.get(campaign_pages[1]).content.decode()
print("by country:", "<td>Azerbaijan</td><td class=\\"num\\">2</td>" in dashboard)
print("today:", f"<title>{timezone.now():%d %b}: 2</title>" in dashboard)
"""


def _manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_every_organiser_admin_page_renders_on_the_embedded_sqlite_setup(tmp_path):
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env |= {"DEBUG": "true", "OUTCRY_VAR_DIR": str(tmp_path), "SITE_URL": "http://127.0.0.1:8000"}
    _manage("migrate", "--noinput", env=env)
    _manage("seed_demo", env=env)
    output = _manage("shell", "--no-imports", "-c", VISIT_ADMIN, env=env)

    visits = [line.split(" ")[1:] for line in output.splitlines() if line.startswith("visit ")]

    assert (tmp_path / "outcry.sqlite3").exists()
    organiser_pages = [url for _, user, url in visits if user == "organiser"]
    assert "/admin/campaigns/campaign/" in organiser_pages
    assert any("/signature/dashboard/" in url for url in organiser_pages)
    assert "/admin/auth/user/" in [url for _, user, url in visits if user == "admin"]
    # The dashboard's figures, not only its frame: two signatures from Azerbaijan today.
    assert "by country: True" in output.splitlines()
    assert "today: True" in output.splitlines()
    assert [visit for visit in visits if visit[0] != "200"] == []
