"""The contract: schemathesis runs the whole OpenAPI schema against the app under gunicorn.

Every operation, with values drawn from the schema and values that break it, over campaigns of
every kind (live, paused, closed, at risk, with partners, public first names, translated and
published targets): no 500, and every answer (status, headers, content type, body) as the schema
says. The run's summary goes to test-artifacts/schemathesis.txt.
"""

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Partner, TargetName
from petitions.enums import SignatureStatus
from petitions.reporting.counters import add_to_counters
from tests.factories import MessageTemplateFactory, SignatureFactory, TargetFactory, live_campaign
from tests.integration.processes import VENV_BIN, WebServer, database_url, service_env, stop_all

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
OPERATIONS = 5


def campaigns_of_every_kind() -> None:
    live = live_campaign(slug="free-the-four", goal=100)
    MessageTemplateFactory(campaign=live, language="ar", page_title="الحرية للأربعة", summary="اكتبوا.")
    TargetName.objects.create(target=live.targets.get(), language="ar", name="الإدارة الرئاسية", title="رئيس")
    partner = Partner.objects.create(campaign=live, name="Unite", code="unite")
    SignatureFactory.create_batch(3, campaign=live, country="AZ", source=partner.code, show_name_publicly=True)
    SignatureFactory(campaign=live, country="", show_name_publicly=True)
    SignatureFactory(campaign=live, status=SignatureStatus.PAPER, country="TR")
    add_to_counters(campaign_id=live.pk, signatures=4, paper=1, emails_sent=4, own_mail=2)

    at_risk = live_campaign(slug="at-risk", signers_at_risk=True, goal=None, publish_target_addresses=True)
    SignatureFactory.create_batch(2, campaign=at_risk, country="IS", show_name_publicly=True)
    add_to_counters(campaign_id=at_risk.pk, signatures=2)

    live_campaign(slug="paused", status=CampaignStatus.PAUSED, starts_at=None, ends_at=None)
    closed = live_campaign(slug="closed", status=CampaignStatus.CLOSED, default_language="az")
    TargetFactory(campaign=closed, is_active=False)
    live_campaign(slug="not-yet", starts_at=timezone.now() + timedelta(days=3))
    live_campaign(slug="a-draft", status=CampaignStatus.DRAFT)


def test_schemathesis_finds_nothing_across_the_whole_schema(tmp_path):
    campaigns_of_every_kind()
    env = service_env(
        database_url=database_url(connection.settings_dict),
        broker_url=os.environ["REDIS_URL"],
        smtp_port=25,
        var_dir=tmp_path / "var",
    )
    env["API_REQUESTS_PER_MINUTE"] = "100000"  # the limit has its own test; here it would only stop the run
    web = WebServer(env=env, workdir=tmp_path / "web")
    try:
        web.wait_ready()
        run = subprocess.run(
            [
                str(VENV_BIN / "schemathesis"),
                "run",
                f"{web.url}/api/v1/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "60",
                "--workers",
                "2",
                "--request-timeout",
                "10",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"},
        )
    finally:
        stop_all([web])
    output = run.stdout + run.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.txt").write_text(output)
    print(output)  # the figures, for whoever reads the run

    assert run.returncode == 0, output
    assert "No issues found" in output
    assert re.search(rf"Tested: {OPERATIONS}\b", output), output
    generated, passed = map(int, re.search(r"(\d+) generated, (\d+) passed", output).groups())
    assert generated == passed > 100
    log = web.log()
    assert not re.search(r'HTTP/1\.\d" 5\d\d ', log), log[-5000:]
    # Each operation answered with data too, not only refusals: the run followed the list's slugs.
    for operation in ["", "/counts", "/recent-signers", "/targets"]:
        assert re.search(rf'"GET /api/v1/campaigns/[-\w]+{operation}(\?[^ ]*)? HTTP/1\.\d" 200 ', log), operation
