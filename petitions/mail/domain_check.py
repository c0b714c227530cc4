"""Whether the sending domain's DNS lets receiving servers trust our mail: SPF, DKIM, DMARC, MX.

Letters to governments are judged by their mail servers on these records; a missing one sends
them to spam or back. Each finding says in plain words what is fine or missing and, when
something is missing, the exact record to add. Read by `manage.py check_sending_domain`, and
every few hours by the workers for the admin's first page (`record_check`).
"""

from dataclasses import asdict, dataclass, field

import dns.exception
import dns.resolver
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from petitions.mail.addresses import inbound_domain
from petitions.mail.outgoing import sending_domain
from petitions.models import SendingDomainCheck

OK, WARNING, MISSING = "ok", "warning", "missing"

# A finding's words are kept untranslated, as the message and its values, and put into words in
# the reader's language when shown: the check runs in a worker, its reader may read Russian.
Said = str | dict


def _say(message: str, **values) -> dict:
    return {"say": message, "with": values}


def spoken(said: Said) -> str:
    """`said` in the active language (plain strings, from rows kept before, as they are)."""
    if isinstance(said, str):
        return said
    values = {key: spoken(value) if isinstance(value, str | dict) else value for key, value in said["with"].items()}
    return gettext(said["say"]) % values if values else gettext(said["say"])


@dataclass(frozen=True)
class Finding:
    """One record's verdict; `required` findings that are not OK make the check fail."""

    name: str
    status: str
    text: "Said"
    record: "Said" = ""
    required: bool = True


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.required and f.status == MISSING for f in self.findings)


class DnsFailure(Exception):
    """The lookup got no usable answer; `said` says why in plain words."""

    def __init__(self, said: dict):
        super().__init__(said["say"])
        self.said = said


class NoSuchName(DnsFailure):
    """The name does not exist (NXDOMAIN): for a DKIM or DMARC host, simply the record missing."""


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
        raise NoSuchName(
            _say(
                gettext_noop("%(name)s does not exist in DNS (NXDOMAIN): check its spelling and its DNS zone."),
                name=name,
            )
        ) from error
    except (dns.exception.Timeout, dns.resolver.LifetimeTimeout) as error:
        raise DnsFailure(_say(gettext_noop("The DNS server did not answer about %(name)s."), name=name)) from error
    except dns.resolver.NoNameservers as error:
        raise DnsFailure(_say(gettext_noop("No DNS server could answer about %(name)s."), name=name)) from error


def dkim_selectors() -> list[str]:
    return [selector for selector in settings.DKIM_SELECTORS if selector]


def check_spf(resolver, domain: str, role: str) -> Finding:
    name = f"SPF ({role}, {domain})"
    add = f'{domain}. TXT "v=spf1 mx -all"'
    try:
        spf = [record for record in txt_records(resolver, domain) if record.lower().startswith("v=spf1")]
    except DnsFailure as failure:
        return Finding(name, MISSING, failure.said, add)
    if not spf:
        record = _say(gettext_noop("%(record)s (with your relay's include: in place of mx)"), record=add)
        return Finding(name, MISSING, _say(gettext_noop("%(domain)s has no SPF record."), domain=domain), record)
    if len(spf) > 1:
        text = gettext_noop("%(domain)s has %(count)s SPF records; receiving servers ignore them all.")
        return Finding(name, MISSING, _say(text, domain=domain, count=len(spf)))
    record = spf[0]
    ending = record.split()[-1].lower()
    if ending in ("-all", "~all"):
        text = gettext_noop("%(domain)s has an SPF record ending in %(ending)s: %(record)s")
        return Finding(name, OK, _say(text, domain=domain, ending=ending, record=record))
    if ending in ("+all", "all"):
        text = gettext_noop(
            "%(domain)s's SPF record ends in %(ending)s: anyone may send as %(domain)s. End it in -all."
        )
        return Finding(
            name, MISSING, _say(text, domain=domain, ending=ending), f'{domain}. TXT "{record.rsplit(" ", 1)[0]} -all"'
        )
    text = gettext_noop("%(domain)s's SPF record ends in %(ending)s: it vouches for nothing. End it in -all (or ~all).")
    return Finding(
        name,
        WARNING,
        _say(text, domain=domain, ending=ending),
        f'{domain}. TXT "{record.rsplit(" ", 1)[0]} -all"',
        required=False,
    )


def check_dkim(resolver, domain: str) -> list[Finding]:
    selectors = dkim_selectors()
    if not selectors:
        text = gettext_noop("No DKIM selector is configured (DKIM_SELECTORS), so DKIM cannot be checked.")
        return [Finding("DKIM", WARNING, _say(text), required=False)]
    findings = []
    for selector in selectors:
        host = f"{selector}._domainkey.{domain}"
        add = f'{host}. TXT "v=DKIM1; k=rsa; p=<the public key your relay or provider gives you>"'
        try:
            keys = [record for record in txt_records(resolver, host) if "p=" in record]
        except NoSuchName:
            keys = []
        except DnsFailure as failure:
            findings.append(Finding(f"DKIM ({selector})", MISSING, failure.said, add))
            continue
        if keys and "p=;" not in keys[0].replace(" ", "") + ";" and not keys[0].rstrip().endswith("p="):
            findings.append(
                Finding(f"DKIM ({selector})", OK, _say(gettext_noop("%(host)s publishes a DKIM key."), host=host))
            )
        else:
            findings.append(
                Finding(f"DKIM ({selector})", MISSING, _say(gettext_noop("%(host)s has no DKIM key."), host=host), add)
            )
    return findings


def check_dmarc(resolver, domain: str) -> Finding:
    host = f"_dmarc.{domain}"
    add = f'{host}. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}"'
    try:
        records = [record for record in txt_records(resolver, host) if record.lower().startswith("v=dmarc1")]
    except NoSuchName:
        text = gettext_noop("%(domain)s has no DMARC record (%(host)s does not exist).")
        return Finding("DMARC", MISSING, _say(text, domain=domain, host=host), add)
    except DnsFailure as failure:
        return Finding("DMARC", MISSING, failure.said, add)
    if not records:
        return Finding("DMARC", MISSING, _say(gettext_noop("%(domain)s has no DMARC record."), domain=domain), add)
    tags = dict(part.strip().split("=", 1) for part in records[0].split(";") if "=" in part)
    policy = tags.get("p", "").strip().lower()
    rua = tags.get("rua", "").strip()
    reports = (
        _say(gettext_noop("reports go to %(address)s"), address=rua)
        if rua
        else _say(gettext_noop("no reports are asked for (rua)"))
    )
    values = {"domain": domain, "policy": policy or _say(gettext_noop("missing")), "reports": reports}
    if policy in ("quarantine", "reject"):
        return Finding(
            "DMARC", OK, _say(gettext_noop("%(domain)s's DMARC policy is %(policy)s; %(reports)s."), **values)
        )
    text = gettext_noop("%(domain)s's DMARC policy is %(policy)s: it protects nothing yet; %(reports)s.")
    return Finding("DMARC", WARNING, _say(text, **values), add, required=False)


def check_mx(resolver, domain: str) -> Finding:
    name = f"MX ({domain})"
    add = f"{domain}. MX 10 <the host running manage.py receive_mail>."
    try:
        answer = _query(resolver, domain, "MX")
    except DnsFailure as failure:
        return Finding(name, MISSING, failure.said, add)
    hosts = sorted(str(rdata.exchange).rstrip(".") for rdata in answer)
    if not hosts:
        text = gettext_noop("%(domain)s has no MX: bounces and replies cannot reach Outcry.")
        return Finding(name, MISSING, _say(text, domain=domain), add)
    text = gettext_noop("Bounces and replies to %(domain)s go to %(hosts)s.")
    return Finding(name, OK, _say(text, domain=domain, hosts=", ".join(hosts)))


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


def record_check(resolver: dns.resolver.Resolver | None = None) -> SendingDomainCheck:
    """Look now and keep what was found (its words untranslated: see `spoken`) for the admin's first page."""
    report = check_sending_domain(resolver or make_resolver(settings.DNS_NAMESERVER, timeout=2.0))
    check, _created = SendingDomainCheck.objects.update_or_create(
        pk=1,
        defaults={
            "checked_at": timezone.now(),
            "findings": [asdict(finding) for finding in report.findings],
            "failed": report.failed,
        },
    )
    return check


def latest_check() -> SendingDomainCheck | None:
    return SendingDomainCheck.objects.filter(pk=1).first()
