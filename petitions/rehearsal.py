"""What a rehearsal leaves behind, removed when it ends: its test letters (every one carries the
rehearsal's address) and the signatures made while it ran, then the public counters recounted."""

from django.dispatch import receiver

from campaigns.models import Campaign
from campaigns.services import rehearsal_ended
from petitions.models import Delivery, Signature
from petitions.reporting.counters import recount_campaign


@receiver(rehearsal_ended, sender=Campaign)
def clear_rehearsal(sender, *, campaign: Campaign, since, **kwargs) -> dict[str, int]:
    letters = Delivery.objects.filter(campaign=campaign).exclude(rehearsal_to="")
    removed_letters = letters.count()
    # A digest's entries point at it (protected): the entries go first.
    letters.filter(digest__isnull=False).delete()
    letters.delete()
    signatures = Signature.objects.filter(campaign=campaign, created_at__gte=since)
    removed_signatures = signatures.count()
    signatures.delete()
    recount_campaign(campaign_id=campaign.pk)
    return {"signatures": removed_signatures, "letters": removed_letters}
