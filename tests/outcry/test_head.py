"""HEAD on every public address: the status GET would get, and no body (link checkers, monitors and
some mail scanners ask HEAD first)."""

from urllib.parse import urlsplit

import pytest

from petitions.enums import SignatureStatus
from petitions.privacy.signer_requests import data_link
from petitions.signing import confirmations, links
from tests.factories import SignatureFactory, receipt_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(campaign) -> dict[str, str]:
    signed = SignatureFactory(campaign=campaign)
    pending = SignatureFactory(campaign=campaign, status=SignatureStatus.PENDING, confirmed_at=None)
    my_data = urlsplit(data_link(signed.email_hash)).path
    slug = campaign.slug
    return {
        "home": "/",
        "campaign": f"/c/{slug}/",
        "sign": f"/c/{slug}/sign/",
        "share": f"/c/{slug}/share/",
        "counter": f"/c/{slug}/counter.json",
        "embed": f"/c/{slug}/embed/?form=1",
        "embed share": f"/c/{slug}/embed/share/",
        "embed script": "/embed.js",
        "receipt": f"/c/{slug}/receipt/{receipt_token(signed)}/",
        "confirm": f"/c/{slug}/confirm/{links.make_token(pending, purpose=confirmations.PURPOSE)}/",
        "my data request": "/my-data/",
        "my data": my_data,
        "my data export": f"{my_data}export.json",
        "healthz": "/healthz",
        "prefixed campaign": f"/az/c/{slug}/",
        "prefixed home": "/es/",
        "unknown campaign": "/c/no-such-campaign/",
    }


NAMES = [
    "home",
    "campaign",
    "sign",
    "share",
    "counter",
    "embed",
    "embed share",
    "embed script",
    "receipt",
    "confirm",
    "my data request",
    "my data",
    "my data export",
    "healthz",
    "prefixed campaign",
    "prefixed home",
    "unknown campaign",
]


@pytest.mark.parametrize("name", NAMES)
def test_head_answers_as_get_does_without_a_body(client, public_urls, name):
    url = public_urls[name]

    get = client.get(url)
    head = client.head(url)

    assert head.status_code == get.status_code
    assert get.status_code in (200, 404)
    assert (get.status_code == 404) == (name == "unknown campaign")
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_head_changes_nothing(client, campaign):
    pending = SignatureFactory(campaign=campaign, status=SignatureStatus.PENDING, confirmed_at=None)

    client.head(f"/c/{campaign.slug}/confirm/{links.make_token(pending, purpose=confirmations.PURPOSE)}/")

    pending.refresh_from_db()
    assert pending.status == SignatureStatus.PENDING


def test_other_methods_are_still_refused(client, campaign):
    assert client.put(f"/c/{campaign.slug}/").status_code == 405
    assert client.post("/embed.js").status_code == 405
    assert client.post("/healthz").status_code == 405
