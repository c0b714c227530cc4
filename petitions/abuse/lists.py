"""Lists that hold a signature: throw-away mail services and the organisers' block rules.

Block rules (BlockRule, edited in admin) name an address, a domain (which covers its subdomains) or
an IP network. Network rules are matched against the request's address, which is never stored.
"""

import contextlib
import functools
import ipaddress
import time

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS

from petitions.models import BlockRule

# The big shared providers: many honest signers of one campaign use them, so the per-domain limit
# would only hold people. Bots that use them meet the other defences.
SHARED_MAIL_PROVIDERS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yandex.ru",
        "mail.ru",
        "yandex.com",
        "orange.fr",
        "free.fr",
    }
)


RULES_CACHE_SECONDS = 10


def email_domain(email: str) -> str:
    return email.rpartition("@")[2]


def domain_and_parents(domain: str) -> list[str]:
    """mx.mail.example.org -> [mx.mail.example.org, mail.example.org, example.org]."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] or [domain]


def is_disposable(domain: str) -> bool:
    return any(candidate in DISPOSABLE_DOMAINS for candidate in domain_and_parents(domain))


def is_blocked(*, email: str, client_ip: str | None) -> bool:
    """Checked against a per-process copy of the rules, read again every RULES_CACHE_SECONDS:
    signing stays one database statement, and a new rule works everywhere within seconds."""
    emails, domains, networks = _rules(int(time.monotonic() // RULES_CACHE_SECONDS))
    if email in emails or any(candidate in domains for candidate in domain_and_parents(email_domain(email))):
        return True
    if client_ip and networks:
        try:
            ip = ipaddress.ip_address(client_ip)
        except ValueError:
            return False
        return any(ip in network for network in networks)
    return False


@functools.lru_cache(maxsize=1)
def _rules(_period: int) -> tuple[frozenset[str], frozenset[str], tuple]:
    emails, domains, networks = set(), set(), []
    for kind, value in BlockRule.objects.values_list("kind", "value"):
        if kind == BlockRule.Kind.EMAIL:
            emails.add(value)
        elif kind == BlockRule.Kind.DOMAIN:
            domains.add(value)
        else:
            with contextlib.suppress(ValueError):
                networks.append(ipaddress.ip_network(value, strict=False))
    return frozenset(emails), frozenset(domains), tuple(networks)


def forget_block_rules() -> None:
    _rules.cache_clear()
