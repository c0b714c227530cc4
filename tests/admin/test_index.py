"""What an organiser finds on the admin's first page: their own work, in their language; none of
the machinery (sign-in lockouts, authenticator devices, users and groups) that only superusers run."""

import pytest

pytestmark = pytest.mark.django_db


def sections(page: str) -> str:
    return page.split('id="content-main"')[1].split('id="content-related"')[0]


def test_an_organiser_sees_campaigns_signatures_and_letters_only(alice_client, alpha):
    page = sections(alice_client.get("/admin/").content.decode())

    for model in ("Campaigns", "Partners", "Targets", "Signatures", "Letters", "Signature exports"):
        assert f">{model}</a>" in page, model
    for machinery in ("Access attempts", "TOTP devices", "Static devices", "Users", "Groups", "Block rules"):
        assert machinery not in page, machinery


def test_the_first_page_speaks_the_organisers_language(alice_client, alpha):
    page = sections(alice_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="az").content.decode())

    assert ">Kampaniyalar</a>" in page
    assert ">Məktublar</a>" in page
    assert "İmzalar və məktublar" in page
