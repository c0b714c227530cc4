"""Whether the sending domain's DNS lets receiving servers trust our mail: SPF, DKIM, DMARC, MX.

Letters to governments are judged by their mail servers on these records; a missing one sends
them to spam or back. Each finding says in plain words what is fine or missing and, when
something is missing, the exact record to add. Read by `manage.py check_sending_domain`.
"""

from dataclasses import dataclass, field

import dns.exception
import dns.resolver
from django.conf import settings

from petitions.mail.addresses import inbound_domain
from petitions.mail.outgoing import sending_domain

OK, WARNING, MISSING = "ok", "warning", "missing"


@dataclass(frozen=True)
class Finding:
    """One record's verdict; `required` findings that are not OK make the check fail."""

    name: str
    status: str
    text: str
    record: str = ""
    required: bool = True


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.required and f.status == MISSING for f in self.findings)


class DnsFailure(Exception):
    """The lookup got no usable answer; the message says why in plain words."""


def make_resolver(nameserver: str = "", timeout: float = 3.0) -> dns.resolver.Resolver:
    """A resolver for the system's servers, or for `host[:port]` (tests, split-horizon DNS)."""
    if not nameserver:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        host, _, port = nameserver.rpartition(":") if nameserver.count(":") == 1 else (nameserver, "", "")
        resolver.nameservers = [host]
        resolver.port = int(port) if port else 53
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def txt_records(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The TXT strings at `name`; [] when the name exists without any."""
    answer = _query(resolver, name, "TXT")
    return [b"".join(rdata.strings).decode(errors="replace") for rdata in answer]


def _query(resolver, name: str, kind: str):
    try:
        return resolver.resolve(name, kind)
    except dns.resolver.NoAnswer:
        return []
    except dns.resolver.NXDOMAIN as error:
        raise DnsFailure(f"{name} does not exist in DNS (NXDOMAIN): check its spelling and its DNS zone.") from error
    except (dns.exception.Timeout, dns.resolver.LifetimeTimeout) as error:
        raise DnsFailure(f"The DNS server did not answer about {name}.") from error
    except dns.resolver.NoNameservers as error:
        raise DnsFailure(f"No DNS server could answer about {name}.") from error


def dkim_selectors() -> list[str]:
    return [selector for selector in settings.DKIM_SELECTORS if selector]


def check_spf(resolver, domain: str, role: str) -> Finding:
    name = f"SPF ({role}, {domain})"
    add = f'{domain}. TXT "v=spf1 mx -all"'
    try:
        spf = [record for record in txt_records(resolver, domain) if record.lower().startswith("v=spf1")]
    except DnsFailure as failure:
        return Finding(name, MISSING, str(failure), add)
    if not spf:
        relay_note = " (with your relay's include: in place of mx)"
        return Finding(name, MISSING, f"{domain} has no SPF record.", add + relay_note)
    if len(spf) > 1:
        return Finding(name, MISSING, f"{domain} has {len(spf)} SPF records; receiving servers ignore them all.")
    record = spf[0]
    ending = record.split()[-1].lower()
    if ending in ("-all", "~all"):
        return Finding(name, OK, f"{domain} has an SPF record ending in {ending}: {record}")
    if ending in ("+all", "all"):
        text = f"{domain}'s SPF record ends in {ending}: anyone may send as {domain}. End it in -all."
        return Finding(name, MISSING, text, f'{domain}. TXT "{record.rsplit(" ", 1)[0]} -all"')
    text = f"{domain}'s SPF record ends in {ending}: it vouches for nothing. End it in -all (or ~all)."
    return Finding(name, WARNING, text, f'{domain}. TXT "{record.rsplit(" ", 1)[0]} -all"', required=False)


def check_dkim(resolver, domain: str) -> list[Finding]:
    selectors = dkim_selectors()
    if not selectors:
        text = "No DKIM selector is configured (DKIM_SELECTORS), so DKIM cannot be checked."
        return [Finding("DKIM", WARNING, text, required=False)]
    findings = []
    for selector in selectors:
        host = f"{selector}._domainkey.{domain}"
        add = f'{host}. TXT "v=DKIM1; k=rsa; p=<the public key your relay or provider gives you>"'
        try:
            keys = [record for record in txt_records(resolver, host) if "p=" in record]
        except DnsFailure as failure:
            findings.append(Finding(f"DKIM ({selector})", MISSING, str(failure), add))
            continue
        if keys and "p=;" not in keys[0].replace(" ", "") + ";" and not keys[0].rstrip().endswith("p="):
            findings.append(Finding(f"DKIM ({selector})", OK, f"{host} publishes a DKIM key."))
        else:
            findings.append(Finding(f"DKIM ({selector})", MISSING, f"{host} has no DKIM key.", add))
    return findings


def check_dmarc(resolver, domain: str) -> Finding:
    host = f"_dmarc.{domain}"
    add = f'{host}. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}"'
    try:
        records = [record for record in txt_records(resolver, host) if record.lower().startswith("v=dmarc1")]
    except DnsFailure as failure:
        if "NXDOMAIN" in str(failure):
            return Finding("DMARC", MISSING, f"{domain} has no DMARC record ({host} does not exist).", add)
        return Finding("DMARC", MISSING, str(failure), add)
    if not records:
        return Finding("DMARC", MISSING, f"{domain} has no DMARC record.", add)
    tags = dict(part.strip().split("=", 1) for part in records[0].split(";") if "=" in part)
    policy = tags.get("p", "").strip().lower()
    rua = tags.get("rua", "").strip()
    reports = f"reports go to {rua}" if rua else "no reports are asked for (rua)"
    if policy in ("quarantine", "reject"):
        return Finding("DMARC", OK, f"{domain}'s DMARC policy is {policy}; {reports}.")
    text = f"{domain}'s DMARC policy is {policy or 'missing'}: it protects nothing yet; {reports}."
    return Finding("DMARC", WARNING, text, add, required=False)


def check_mx(resolver, domain: str) -> Finding:
    name = f"MX ({domain})"
    add = f"{domain}. MX 10 <the host running manage.py receive_mail>."
    try:
        answer = _query(resolver, domain, "MX")
    except DnsFailure as failure:
        return Finding(name, MISSING, str(failure), add)
    hosts = sorted(str(rdata.exchange).rstrip(".") for rdata in answer)
    if not hosts:
        return Finding(name, MISSING, f"{domain} has no MX: bounces and replies cannot reach Outcry.", add)
    return Finding(name, OK, f"Bounces and replies to {domain} go to {', '.join(hosts)}.")


def check_sending_domain(resolver: dns.resolver.Resolver) -> Report:
    """Every record the sending and inbound domains need, looked up now."""
    from_domain, return_domain = sending_domain(), inbound_domain()
    report = Report()
    report.findings.append(check_spf(resolver, from_domain, "From"))
    if return_domain != from_domain:
        report.findings.append(check_spf(resolver, return_domain, "Return-Path"))
    report.findings.extend(check_dkim(resolver, from_domain))
    report.findings.append(check_dmarc(resolver, from_domain))
    report.findings.append(check_mx(resolver, return_domain))
    return report
