"""Recount signatures and letters sent from the rows and rewrite the public counters."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from petitions.reporting.counters import recount_campaign


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="slug of one campaign; default: every published campaign")

    def handle(self, *args, campaign=None, **options):
        campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT)
        if campaign:
            campaigns = Campaign.objects.filter(slug=campaign)
            if not campaigns:
                raise CommandError(f"No campaign with slug {campaign!r}.")
        for item in campaigns.order_by("pk"):
            recount = recount_campaign(campaign_id=item.pk)
            self.stdout.write(
                f"{item.slug}: {recount.signatures} signatures ({-recount.signatures_drift:+d}), "
                f"{recount.emails_sent} letters sent ({-recount.emails_sent_drift:+d}), "
                f"{recount.paper} on paper ({-recount.paper_drift:+d})"
            )
