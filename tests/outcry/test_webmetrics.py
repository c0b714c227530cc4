"""The request metrics (outcry/webmetrics.py) as a scraper reads them in /metrics: every answer
counted and timed by its URL pattern's name, the shared answers included, and never a path."""

import pytest

from petitions.models import Signature
from tests.factories import live_campaign
from tests.wsgiclient import WSGIClient

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-2c81e0"


def scrape(client: WSGIClient) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in response.content.decode().splitlines()
        if line and line[0] != "#"
    }


def requests_of(values: dict[str, float], route: str, method: str, status: str) -> float:
    return values.get(f'outcry_http_requests_total{{method="{method}",route="{route}",status="{status}"}}', 0.0)


def timed(values: dict[str, float], route: str) -> float:
    return values.get(f'outcry_http_request_duration_seconds_count{{route="{route}"}}', 0.0)


@pytest.fixture
def client(settings):
    settings.METRICS_TOKEN = TOKEN
    return WSGIClient()


def test_every_answer_is_counted_by_route_method_and_status_shared_ones_included(client):
    campaign = live_campaign(slug="metrics-count")
    before = scrape(client)

    for _ in range(3):  # the first through Django, then answered from the kept copy
        assert client.get(f"/c/{campaign.slug}/counter.json").status_code == 200
    assert client.get("/c/no-such-campaign/counter.json").status_code == 404
    assert client.get("/nothing/lives/here/").status_code == 404
    assert client.post(f"/c/{campaign.slug}/sign/", {"first_name": ""}).status_code in {200, 400}

    after = scrape(client)

    def more(route: str, method: str, *statuses: str) -> float:
        return sum(requests_of(after, route, method, s) - requests_of(before, route, method, s) for s in statuses)

    assert more("petitions:counter", "GET", "200") == 3
    assert more("petitions:counter", "GET", "404") == 1
    assert more("unmatched", "GET", "404") == 1
    assert more("petitions:sign", "POST", "200", "400") == 1
    assert timed(after, "petitions:counter") - timed(before, "petitions:counter") == 4
    assert not Signature.objects.exists()


def test_an_odd_method_gets_one_label_and_no_path_or_token_is_ever_a_label(client):
    campaign = live_campaign(slug="metrics-labels")
    client.generic("BREW", f"/c/{campaign.slug}/")
    client.get(f"/c/{campaign.slug}/receipt/secret-receipt-token-0042/")
    client.get("/my-data/secret-erasure-token-0042/")

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'method="other",route="petitions:campaign"' in text
    assert 'route="petitions:receipt"' in text
    assert 'route="petitions:my_data"' in text
    assert "BREW" not in text
    assert "secret-" not in text
    assert "/c/" not in text
