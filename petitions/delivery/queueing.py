"""Letters into the queue: one queued row per target of a signature, and the doorbell rung for them.

The row is the truth, the broker a doorbell: a broker that is down loses nothing, the sweeper
enqueues what was not published.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from campaigns.enums import DeliveryMode
from campaigns.routing import targets_for
from petitions.core.doorbell import publish_batches, publish_ids
from petitions.delivery import pacing
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature

logger = logging.getLogger(__name__)

# Letters that go together (a signature's targets, a sweep's batch) share a broker message; each is
# still claimed and recorded on its own. Few enough that a backlog spreads over every pool process.
LETTERS_PER_MESSAGE = 10


def letters_for(signature: Signature, *, now: datetime) -> list[Delivery]:
    """Unsaved queued letters, one per active target the signer writes to (campaigns/routing.py).

    Letters to an unpaced target are marked enqueued (their ids are published after commit); letters
    to a paced target wait for the dispatcher, which hands out that target's sending slots. In digest
    mode they wait, batched, for the next digest (digests.py).
    """
    campaign = signature.campaign
    batched = campaign.delivery_mode == DeliveryMode.DIGEST
    # .all() uses the targets prefetched with the cached campaign page when there are any; a target
    # deactivated since then is caught by the check in send_delivery. A bounced target's letters are
    # held, not dropped: they go once an organiser fixes the address.
    candidates = [target for target in campaign.targets.all() if target.is_active or target.bounced_at is not None]
    targets = targets_for(
        campaign,
        candidates,
        country=signature.country.code,
        chosen=signature.chosen_targets,
        postcode=signature.postcode,
    )
    return [
        Delivery(
            campaign_id=campaign.pk,
            signature=signature,
            target=target,
            status=DeliveryStatus.BATCHED if batched else DeliveryStatus.QUEUED,
            next_attempt_at=now,
            enqueued_at=None if batched or target.hourly_cap else now,
            rehearsal_to=campaign.rehearsal_to,
            created_at=now,
        )
        for target in targets
    ]


def enqueue_deliveries(delivery_ids: Iterable[int], *, etas: Iterable[datetime] | None = None) -> None:
    """Ring the broker's doorbell for the ids: a message per LETTERS_PER_MESSAGE letters, or one
    per letter with its sending slot (etas). A broker that is down loses nothing: the rows stay
    queued and are marked for the sweeper, which enqueues them once the broker is back."""
    delivery_ids = list(delivery_ids)
    if not delivery_ids:
        return
    try:
        if etas is None:
            publish_batches("petitions.send_deliveries", delivery_ids, per_message=LETTERS_PER_MESSAGE)
        else:
            publish_ids("petitions.send_delivery", delivery_ids, etas=etas)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper is the fallback
        logger.warning("Broker unreachable (%s); %d letter(s) left for the sweeper", exc, len(delivery_ids))
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED).update(enqueued_at=None)


def dispatch_paced_letters(*, now: datetime | None = None) -> int:
    """Enqueue the letters whose sending slot comes up before the next dispatch (pacing.py)."""
    slots = pacing.dispatch_paced(now=now)
    if slots:
        enqueue_deliveries([slot.delivery_id for slot in slots], etas=[slot.at for slot in slots])
    return len(slots)
