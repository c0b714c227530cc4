"""Write a campaign's signers to a CSV file (or stdout), with a progress bar; logged like admin exports."""

import getpass
import time

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from petitions.privacy import exports


class ProgressBar:
    """A one-line bar on a terminal stream, redrawn at most a few times a second."""

    def __init__(self, stream, total: int, width: int = 30):
        self.stream, self.total, self.width = stream, max(total, 1), width
        self.started = self.drawn_at = time.monotonic()

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn_at < 0.2:
            return
        self.drawn_at = now
        share = min(done / self.total, 1.0)
        filled = int(share * self.width)
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} {done:,}/{self.total:,} rows {rate:,.0f}/s",
            ending="",
        )
        self.stream.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        self.stream.write("")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="the campaign's slug")
        parser.add_argument("--output", "-o", help="file to write; default: standard output")
        parser.add_argument(
            "--partner", help="a partner's code: only the consenting signers of its link (the campaign must share)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")

    def handle(self, *args, campaign, output=None, partner=None, no_progress=False, **options):
        try:
            item = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with slug {campaign!r}.") from None
        if partner is not None:
            code, partner = partner, item.partners.filter(code=partner).first()
            if partner is None:
                raise CommandError(f"The campaign {campaign!r} has no partner with code {code!r}.")
            if not item.share_with_partners:
                raise CommandError(f"The campaign {campaign!r} does not share its signers with partners.")
        total = exports.exported_signatures(item, partner).count()
        show_progress = not no_progress
        bar = ProgressBar(self.stderr, total) if show_progress else None
        rows = 0

        def on_row(done: int) -> None:
            nonlocal rows
            rows = done
            if bar is not None and done % 1000 == 0:
                bar.update(done)

        lines = exports.export_signatures_csv(
            campaign=item,
            partner=partner,
            actor=f"manage.py export_signatures ({getpass.getuser()})",
            via="command",
            on_row=on_row,
        )
        if output:
            with open(output, "w", newline="", encoding="utf-8") as target:
                for line in lines:
                    target.write(line)
        else:
            for line in lines:
                self.stdout.write(line, ending="")
        if bar is not None:
            bar.finish(rows)
        if output:
            self.stderr.write(f"{rows:,} signatures of {item.slug} written to {output}")
