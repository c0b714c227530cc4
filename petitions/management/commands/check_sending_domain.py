"""`manage.py check_sending_domain`: are the sending domain's SPF, DKIM, DMARC and MX in place?"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from petitions.mail.domain_check import MISSING, OK, check_sending_domain, make_resolver, spoken

MARKS = {OK: "fine", MISSING: "MISSING"}


class Command(BaseCommand):
    help = "Look up the sending domain's SPF, DKIM, DMARC and inbound MX records and say what to add."

    def add_arguments(self, parser):
        parser.add_argument("--nameserver", default=settings.DNS_NAMESERVER, help="Ask this DNS server (host[:port]).")
        parser.add_argument("--timeout", type=float, default=3.0, help="Seconds to wait for each answer.")

    def handle(self, *args, nameserver, timeout, **options):
        report = check_sending_domain(make_resolver(nameserver, timeout))
        for finding in report.findings:
            self.stdout.write(f"[{MARKS.get(finding.status, 'warning')}] {finding.name}: {spoken(finding.text)}")
            if finding.record and finding.status != OK:
                self.stdout.write(f"    add: {spoken(finding.record)}")
        if report.failed:
            raise CommandError("Something the sending domain needs is missing (above).")
        self.stdout.write("The sending domain has what it needs.")
