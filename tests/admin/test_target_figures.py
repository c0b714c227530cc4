"""Each target's letters on the organisers' dashboard: emails sent and delivered, soft bounces (real
bounce messages from the corpus, through the bounce mailbox's handler), a delay left out, and the
date of a hard bounce."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Target
from petitions.enums import DeliveryStatus
from petitions.mail.addresses import bounce_address
from petitions.models import Delivery
from petitions.tracking.bounces import receive_bounce
from petitions.tracking.figures import target_figures
from tests.factories import SignatureFactory, TargetFactory

CORPUS = Path(__file__).parents[1] / "petitions" / "tracking" / "bounces"
pytestmark = pytest.mark.django_db


def letter(target, status=DeliveryStatus.SENT) -> Delivery:
    delivery = Delivery.objects.create(
        campaign=target.campaign,
        target=target,
        signature=SignatureFactory(campaign=target.campaign),
        status=status,
        sent_at=timezone.now(),
        subject="Release them",
        body="Dear Minister,",
    )
    delivery.message_id = f"<letter.{delivery.pk}@outcry.example>"
    delivery.save()
    return delivery


def bounce(delivery, name: str, *, about: str = "") -> str:
    """Bounce `delivery` with a message of the corpus, `about` the address it names (else its own)."""
    raw = (CORPUS / name).read_bytes()
    for address in (b"deputy@gmail.example", b"office@parliament.example", b"minister@ministry.example"):
        raw = raw.replace(address, about.encode() or address)
    return receive_bounce(bounce_address(delivery.pk), raw)


def test_soft_bounces_count_per_target_a_delay_does_not_and_a_hard_bounce_shows_its_date(alice_client, alpha):
    campaign = alpha.campaign
    minister = campaign.targets.get()
    minister.email = "clerk@gov.example"
    minister.save()
    embassy = TargetFactory(campaign=campaign, name="Embassy in London", email="consul@embassy.example")
    first, second, third = letter(minister), letter(minister, DeliveryStatus.DELIVERED), letter(minister)
    assert bounce(first, "sendmail.eml").startswith("soft")
    assert bounce(second, "gmail_full.eml", about=minister.email).startswith("soft")
    assert bounce(second, "postfix_delayed.eml", about=minister.email).startswith("delayed")
    assert bounce(third, "gmail_full.eml").startswith("soft")  # about someone else (a blind copy)
    to_embassy = letter(embassy)
    assert bounce(to_embassy, "postfix_hard.eml", about=embassy.email).startswith("hard")

    figures = {row.name: row for row in target_figures(campaign)}
    assert (figures["Alpha Minister"].sent, figures["Alpha Minister"].delivered) == (3, 1)
    assert figures["Alpha Minister"].soft_bounces == 2
    assert figures["Alpha Minister"].bounced_at is None
    assert figures["Embassy in London"].soft_bounces == 0
    assert figures["Embassy in London"].bounced_at is not None
    assert not Target.objects.get(pk=embassy.pk).is_active

    page = alice_client.get(reverse("admin:petitions_signature_dashboard", args=[campaign.pk])).content.decode()
    row = page.split(f'data-target="{minister.pk}"')[1].split("</tr>")[0]
    assert '<td class="num" data-figure="soft">2</td>' in row
    embassy_row = page.split(f'data-target="{embassy.pk}"')[1].split("</tr>")[0]
    assert "(switched off)" in embassy_row
    assert "bounced " in embassy_row
