"""Reactions to organisers' edits of campaign configuration.

campaigns/ never imports petitions/ (the dependency runs one way), so the letters' side listens
for the edits it must act on.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from campaigns.models import Target
from petitions.delivery import transitions


@receiver(post_save, sender=Target, dispatch_uid="petitions.apply_target_activity")
def apply_target_activity(sender, instance: Target, **kwargs) -> None:
    """An organiser unticked "active": the target's pending letters are cancelled, none will go.
    An organiser ticked it again after a hard bounce (having fixed the address): the held letters
    go out, paced as usual."""
    if not instance.is_active and instance.bounced_at is None:
        transitions.cancel_letters(instance.deliveries.all(), reason="The target was deactivated.")
    elif instance.is_active and instance.bounced_at is not None:
        transitions.release_held_letters(target=instance)
