"""Writes of campaign configuration that are more than a form save: the lifecycle, duplication, and
the few fields the letters' side moves on (bounces, pacing, milestones, retention)."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Target

# draft -> live -> paused <-> live -> closed; a closed campaign's figures are final.
TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.LIVE},
    CampaignStatus.LIVE: {CampaignStatus.PAUSED, CampaignStatus.CLOSED},
    CampaignStatus.PAUSED: {CampaignStatus.LIVE, CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


class InvalidTransition(Exception):
    """The campaign cannot go from its status to the one asked for."""


# Sent inside the transaction that ends a rehearsal, with campaign= and since=: the letters' side
# removes what the rehearsal made and answers with counts (petitions/rehearsal.py).
rehearsal_ended = Signal()


def start_rehearsal(*, campaign: Campaign, send_to: str) -> bool:
    """A draft's rehearsal: its page takes signatures and every letter goes to `send_to`, marked
    [Test], paced and batched as in real life. False if it is not a draft or already rehearsing."""
    started = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT, rehearsal_to="").update(
        rehearsal_to=send_to, rehearsal_started_at=timezone.now(), updated_at=timezone.now()
    )
    if started:
        campaign.rehearsal_to, campaign.rehearsal_started_at = send_to, timezone.now()
    return bool(started)


def end_rehearsal(*, campaign: Campaign) -> dict[str, int]:
    """Back to a plain draft: the rehearsal's test signatures and letters are removed, and the
    counters with them. Returns what was removed ({"signatures": n, "letters": n})."""
    removed = {"signatures": 0, "letters": 0}
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.in_rehearsal:
            return removed
        for _receiver, counts in rehearsal_ended.send(
            sender=Campaign, campaign=locked, since=locked.rehearsal_started_at
        ):
            for key, value in (counts or {}).items():
                removed[key] = removed.get(key, 0) + value
        Campaign.objects.filter(pk=campaign.pk).update(rehearsal_to="", rehearsal_started_at=None)
    campaign.rehearsal_to, campaign.rehearsal_started_at = "", None
    return removed


def check_transition(old: str, new: str) -> None:
    if old == new or new in TRANSITIONS[CampaignStatus(old)]:
        return
    if old == CampaignStatus.CLOSED:
        raise InvalidTransition(_("A closed campaign stays closed: duplicate it to start again."))
    raise InvalidTransition(
        _("A campaign cannot go from %(old)s to %(new)s.")
        % {"old": CampaignStatus(old).label, "new": CampaignStatus(new).label}
    )


def change_campaign_status(*, campaign: Campaign, status: str) -> bool:
    """Move the campaign to `status` if its current status allows it; False if someone else moved it
    first (the update is conditional on the status it was read with)."""
    check_transition(campaign.status, status)
    if campaign.status == status:
        return False
    now = timezone.now()
    # closed_at starts the retention period (petitions/privacy/retention.py); a closed campaign stays closed.
    closing = {"closed_at": now} if status == CampaignStatus.CLOSED else {}
    changed = Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(
        status=status, updated_at=now, **closing
    )
    if changed:
        campaign.status = status
    return bool(changed)


def close_ended_campaigns(*, now: datetime | None = None) -> list[int]:
    """Beat: live and paused campaigns whose closing date has passed become closed (their pages
    already refuse signatures from that moment; the status makes it final and visible in admin)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Campaign.objects.select_for_update(skip_locked=True)
            .filter(status__in=[CampaignStatus.LIVE, CampaignStatus.PAUSED], ends_at__lte=now)
            .values_list("pk", flat=True)
        )
        Campaign.objects.filter(pk__in=ids).update(status=CampaignStatus.CLOSED, closed_at=now, updated_at=now)
    return ids


def duplicate_campaign(*, campaign: Campaign) -> Campaign:
    """A draft copy with the same letters, targets (and their names per language), partners and
    settings, no dates and no signatures."""
    with transaction.atomic():
        copy = Campaign.objects.get(pk=campaign.pk)
        templates, targets, partners = list(copy.templates.all()), list(copy.targets.all()), list(copy.partners.all())
        names = [list(target.names.all()) for target in targets]
        copy.pk = None
        copy._state.adding = True
        copy.name = _("Copy of %(name)s") % {"name": campaign.name}
        copy.slug = _free_slug(campaign.slug)
        copy.status = CampaignStatus.DRAFT
        copy.starts_at = copy.ends_at = copy.closed_at = copy.signer_data_anonymised_at = None
        copy.sending_paused = False
        copy.milestone_notified = 0
        copy.save()
        for rows in (templates, targets, partners):
            for row in rows:
                row.pk = None
                row._state.adding = True
                row.campaign = copy
        for target in targets:
            target.next_send_at = target.bounced_at = None
            target.bounce_reason = ""
        for rows in (templates, targets, partners):
            for row in rows:
                row.save()
        for target, rows in zip(targets, names, strict=True):
            for row in rows:
                row.pk, row._state.adding, row.target = None, True, target
                row.save()
    return copy


def _free_slug(slug: str) -> str:
    base = slug[:70]
    for n in range(2, 1000):
        candidate = f"{base}-{n}"
        if not Campaign.objects.filter(slug=candidate).exists():
            return candidate
    raise ValueError(f"No free slug for {slug!r}")


# Writes the letters' side asks for: campaigns owns these rows, petitions never updates them itself.


def deactivate_bounced_target(*, target: Target, reason: str, at: datetime) -> bool:
    """Switch off an address that bounced for good; True if this bounce is the one that did it.

    A target that bounced before and is still off is left alone, so organisers hear of a bad address
    once; one they made active again (or switched off by hand) can bounce, and be reported, anew.
    """
    return bool(
        Target.objects.filter(Q(is_active=True) | Q(bounced_at__isnull=True), pk=target.pk).update(
            is_active=False, bounced_at=at, bounce_reason=reason
        )
    )


def clear_target_bounce(*, target: Target) -> None:
    """An organiser fixed the address: the bounce is forgotten."""
    Target.objects.filter(pk=target.pk).update(bounced_at=None, bounce_reason="")
    target.bounced_at, target.bounce_reason = None, ""


def set_next_send_at(*, target: Target, at: datetime) -> None:
    """The earliest moment the target's next paced letter may go (petitions' dispatcher)."""
    Target.objects.filter(pk=target.pk).update(next_send_at=at)
    target.next_send_at = at


def claim_milestone(*, campaign: Campaign, reached: int) -> bool:
    """Move the campaign's notified milestone on to `reached`, once: True for the one caller that
    did it (two beats racing send one email)."""
    claimed = Campaign.objects.filter(pk=campaign.pk, milestone_notified=campaign.milestone_notified).update(
        milestone_notified=reached
    )
    if claimed:
        campaign.milestone_notified = reached
    return bool(claimed)


def mark_signer_data_anonymised(*, campaign: Campaign, at: datetime) -> None:
    """Every signer of the closed campaign is anonymised: retention is done with it."""
    Campaign.objects.filter(pk=campaign.pk).update(signer_data_anonymised_at=at)
