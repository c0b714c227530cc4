"""Counters: exact, cheap to read, and safe under concurrent signers."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.enums import DeliveryStatus, SignatureStatus
from petitions.models import CounterShard, Delivery
from petitions.reporting.counters import add_to_counters, recount_campaign
from petitions.reporting.public import campaign_counters
from petitions.signing.service import sign_petition
from tests.factories import SignatureFactory


@pytest.mark.django_db
def test_counter_json_reports_signatures_sent_and_goal(client, campaign):
    add_to_counters(campaign_id=campaign.pk, signatures=3, emails_sent=2)

    response = client.get(f"/c/{campaign.slug}/counter.json")

    assert response.json() == {"signatures": 3, "paper": 0, "total": 3, "emails_sent": 2, "goal": 100, "own_mail": 0}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=5" in response["Cache-Control"]


@pytest.mark.django_db
def test_counter_read_is_one_query_whatever_the_number_of_signatures(campaign):
    for _ in range(50):
        add_to_counters(campaign_id=campaign.pk, signatures=1)

    with CaptureQueriesContext(connection) as queries:
        counters = campaign_counters(campaign)

    assert counters.signatures == 50
    assert len(queries) == 1
    assert CounterShard.objects.filter(campaign=campaign).count() <= 16


@pytest.mark.django_db
def test_recount_corrects_drift_from_the_rows(campaign):
    SignatureFactory.create_batch(3, campaign=campaign)
    SignatureFactory(campaign=campaign, status=SignatureStatus.HELD)  # held signatures are not counted
    add_to_counters(campaign_id=campaign.pk, signatures=7, emails_sent=4)

    recount = recount_campaign(campaign_id=campaign.pk)

    assert (recount.signatures, recount.emails_sent) == (3, 0)
    assert (recount.signatures_drift, recount.emails_sent_drift) == (4, 4)
    assert campaign_counters(campaign).signatures == 3


@pytest.mark.django_db
def test_reconcile_counters_command_reports_each_campaign(campaign, capsys):
    from django.core.management import call_command

    SignatureFactory(campaign=campaign)

    call_command("reconcile_counters")

    assert f"{campaign.slug}: 1 signatures (+1), 0 letters sent (+0)" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_signers_are_all_counted_exactly(campaign):
    """Eight threads sign at once on real PostgreSQL; the sum of shards equals the rows."""
    errors = []

    def signer(n: int) -> None:
        try:
            for i in range(10):
                sign_petition(
                    campaign=campaign,
                    data={
                        "first_name": "T",
                        "last_name": f"{n}-{i}",
                        "email": f"t{n}-{i}@example.net",
                        "country": "FR",
                    },
                    language="en",
                    client_ip=None,
                )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=signer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert campaign_counters(campaign).signatures == 80
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 80
    assert recount_campaign(campaign_id=campaign.pk).signatures_drift == 0


@pytest.mark.django_db
def test_counter_json_is_404_for_drafts_and_unknown_campaigns(client, campaign):
    campaign.status = "draft"
    campaign.save()

    assert client.get(f"/c/{campaign.slug}/counter.json").status_code == 404
    assert client.get("/c/no-such-campaign/counter.json").status_code == 404
