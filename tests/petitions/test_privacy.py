import logging

import pytest
from django.test import RequestFactory, override_settings

from outcry.logscrub import ScrubPersonalData
from petitions.privacy import client_ip, email_hash, normalise_email


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("  Bob@Example.NET ", "bob@example.net"),
        ("bob@BÜCHER.example", "bob@xn--bcher-kva.example"),
    ],
)
def test_normalise_email(typed, normalised):
    assert normalise_email(typed) == normalised


def test_email_hash_is_the_same_for_every_spelling_of_one_address():
    assert email_hash("Bob@Example.net") == email_hash(" bob@example.NET")
    assert email_hash("bob@example.net") != email_hash("rob@example.net")


def test_client_ip_ignores_forwarded_header_from_untrusted_peers():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "198.51.100.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
def test_client_ip_takes_the_address_a_trusted_proxy_saw():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["172.16.0.0/12"])
def test_client_ip_trusts_a_proxy_network_and_skips_its_hops():
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 172.18.0.5")

    assert client_ip(request) == "203.0.113.9"


def test_log_filter_scrubs_emails_and_ips():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "signer %s from %s", ("bob@example.net", "203.0.113.9"), None
    )

    ScrubPersonalData().filter(record)

    assert record.getMessage() == "signer [email] from [ip]"
