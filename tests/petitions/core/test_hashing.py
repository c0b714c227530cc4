import logging

import pytest
from django.test import RequestFactory, override_settings

from outcry.logscrub import ScrubPersonalData
from petitions.core.hashing import client_ip, email_hash, normalise_email

pytestmark = pytest.mark.unit


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


@pytest.mark.parametrize(
    ("line", "scrubbed"),
    [
        ("from 2001:db8::1 signed", "from [ip] signed"),
        ("from ::1", "from [ip]"),
        ("link fe80::1ff:fe23:4567:890a%eth0 up", "link [ip] up"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329 x", "[ip] x"),
        ("mapped ::ffff:192.0.2.1", "mapped ::ffff:[ip]"),
        ("at 08:45:13.725 and 12:00", "at 08:45:13.725 and 12:00"),
        ("ratio 3:2:1", "ratio 3:2:1"),
    ],
)
def test_log_filter_scrubs_every_spelling_of_an_ipv6_address_and_keeps_times(line, scrubbed):
    from outcry.logscrub import scrub

    assert scrub(line) == scrubbed


def test_error_reports_never_show_what_a_signer_typed(client, campaign, bob_form):
    from django.views.debug import SafeExceptionReporterFilter

    response = client.post(f"/c/{campaign.slug}/", bob_form)

    cleaned = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert set(cleaned.values()) == {SafeExceptionReporterFilter.cleansed_substitute}
