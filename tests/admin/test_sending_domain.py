"""The sending domain on the admin's first page: superusers see what the last check found and what to
add, and look again with one button (against a real DNS server on loopback); organisers see none of it."""

import pytest
from django.urls import reverse
from django.utils import translation

from petitions.mail.domain_check import make_resolver, record_check
from petitions.models import SendingDomainCheck
from tests.dns_server import DnsServer

pytestmark = pytest.mark.django_db

DOMAIN = "letters.example.org"
NO_DKIM = {
    (DOMAIN, "TXT"): ['"v=spf1 mx -all"'],
    (DOMAIN, "MX"): ["10 mx.example.org."],
    (f"_dmarc.{DOMAIN}", "TXT"): ['"v=DMARC1; p=quarantine"'],
}


@pytest.fixture(autouse=True)
def sending(settings):
    settings.DEFAULT_FROM_EMAIL = f"letters@{DOMAIN}"
    settings.INBOUND_MAIL_DOMAIN = ""
    settings.DKIM_SELECTORS = ["s1"]


def test_a_superuser_checks_now_and_reads_what_is_missing_and_the_record_to_add(root_client, settings):
    before = root_client.get("/admin/").content.decode()
    assert "Sending domain" in before
    assert "Not checked yet." in before

    with DnsServer(NO_DKIM) as server:
        settings.DNS_NAMESERVER = server.address
        checked = root_client.post(reverse("admin:petitions_sendingdomaincheck_check_now"), follow=True)

    page = checked.content.decode()
    assert "The sending domain lacks something letters need" in page
    assert f"s1._domainkey.{DOMAIN} has no DKIM key." in page
    assert f"s1._domainkey.{DOMAIN}. TXT" in page  # the record to add
    assert "What is fine" in page
    assert SendingDomainCheck.objects.get().failed


def test_the_first_page_says_it_in_the_admins_language(root_client, settings):
    with DnsServer(NO_DKIM) as server:
        settings.DNS_NAMESERVER = server.address
        page = root_client.post(
            reverse("admin:petitions_sendingdomaincheck_check_now"), follow=True, HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()

    assert "нет ключа DKIM" in page
    assert "has no DKIM key" not in page


def test_a_check_the_workers_made_in_english_reads_in_the_admins_language(root_client):
    with DnsServer({(DOMAIN, "MX"): ["10 mx.example.org."]}) as server, translation.override("en"):
        record_check(make_resolver(server.address))

    english = root_client.get("/admin/").content.decode()
    russian = root_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert f"{DOMAIN} has no SPF record." in english
    assert "(with your relay&#x27;s include: in place of mx)" in english
    assert f"{DOMAIN} has no SPF record." not in russian
    assert "нет ключа DKIM" in russian


def test_organisers_see_no_panel_and_cannot_check(alice_client, alpha):
    SendingDomainCheck.objects.create(findings=[{"name": "DKIM", "status": "missing", "text": "x", "record": ""}])

    assert "Sending domain" not in alice_client.get("/admin/").content.decode()
    assert alice_client.post(reverse("admin:petitions_sendingdomaincheck_check_now")).status_code in (302, 403)
