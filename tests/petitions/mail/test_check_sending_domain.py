"""`manage.py check_sending_domain` against a real DNS server on loopback."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.dns_server import DnsServer

pytestmark = pytest.mark.unit

DOMAIN = "letters.example.org"
GOOD = {
    (DOMAIN, "TXT"): ['"v=spf1 include:relay.example.net -all"'],
    (DOMAIN, "MX"): ["10 mx.example.org."],
    (f"s1._domainkey.{DOMAIN}", "TXT"): ['"v=DKIM1; k=rsa; p=MIIBIjANBgkq"'],
    (f"_dmarc.{DOMAIN}", "TXT"): [f'"v=DMARC1; p=reject; rua=mailto:dmarc@{DOMAIN}"'],
}


@pytest.fixture(autouse=True)
def sending(settings):
    settings.DEFAULT_FROM_EMAIL = f"letters@{DOMAIN}"
    settings.INBOUND_MAIL_DOMAIN = ""
    settings.DKIM_SELECTORS = ["s1"]


def run(zone, silent=False):
    out = io.StringIO()
    with DnsServer(zone, silent=silent) as server:
        try:
            call_command("check_sending_domain", nameserver=server.address, timeout=1, stdout=out)
        except CommandError as error:
            return False, out.getvalue() + str(error)
    return True, out.getvalue()


def test_everything_right():
    passed, out = run(GOOD)
    assert passed, out
    assert f"{DOMAIN} has an SPF record ending in -all" in out
    assert f"s1._domainkey.{DOMAIN} publishes a DKIM key." in out
    assert f"{DOMAIN}'s DMARC policy is reject; reports go to mailto:dmarc@{DOMAIN}." in out
    assert f"Bounces and replies to {DOMAIN} go to mx.example.org." in out
    assert "The sending domain has what it needs." in out


def test_missing_dkim():
    zone = {key: value for key, value in GOOD.items() if "_domainkey" not in key[0]}
    passed, out = run(zone)
    assert not passed
    assert f"[MISSING] DKIM (s1): s1._domainkey.{DOMAIN} has no DKIM key." in out
    assert f'add: s1._domainkey.{DOMAIN}. TXT "v=DKIM1; k=rsa; p=' in out


@pytest.mark.parametrize("ending", ["+all", "?all"])
def test_spf_that_vouches_for_nothing(ending):
    zone = dict(GOOD) | {(DOMAIN, "TXT"): [f'"v=spf1 include:relay.example.net {ending}"']}
    passed, out = run(zone)
    if ending == "+all":
        assert not passed
        assert f"ends in +all: anyone may send as {DOMAIN}. End it in -all." in out
    else:
        assert passed, out
        assert "ends in ?all: it vouches for nothing" in out
    assert f'add: {DOMAIN}. TXT "v=spf1 include:relay.example.net -all"' in out


def test_without_dmarc():
    zone = {key: value for key, value in GOOD.items() if not key[0].startswith("_dmarc")}
    passed, out = run(zone)
    assert not passed
    assert f"[MISSING] DMARC: {DOMAIN} has no DMARC record" in out
    assert f'add: _dmarc.{DOMAIN}. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@{DOMAIN}"' in out


def test_nxdomain():
    passed, out = run({("other.example.org", "TXT"): ['"x"']})
    assert not passed
    assert f"[MISSING] SPF (From, {DOMAIN}): {DOMAIN} does not exist in DNS (NXDOMAIN)" in out


def test_server_that_never_answers():
    passed, out = run(GOOD, silent=True)
    assert not passed
    assert f"The DNS server did not answer about {DOMAIN}." in out
