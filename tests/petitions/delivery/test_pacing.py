"""Pacing: hourly caps, windows in the target's time zone, weekdays, skipped dates and pauses."""

import itertools
import zoneinfo
from collections import deque
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail

from petitions.core.hashing import email_hash
from petitions.delivery.pacing import dispatch_paced, window_opening
from petitions.delivery.sending import send_delivery
from petitions.delivery.transitions import cancel_letters
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, Signature
from petitions.signing.service import sign_petition
from tests.factories import TargetFactory

BAKU = zoneinfo.ZoneInfo("Asia/Baku")  # UTC+4


def baku(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BAKU).astimezone(UTC)


def office_hours_target(campaign, **kwargs):
    defaults = {"hourly_cap": 60, "window_start": time(9), "window_end": time(17), "timezone": "Asia/Baku"}
    return TargetFactory(campaign=campaign, **(defaults | kwargs))


def queue_letters(campaign, target, count: int, created: datetime) -> None:
    """count signatures with one queued letter each to `target`, written in bulk."""
    signatures = Signature.objects.bulk_create(
        Signature(
            campaign=campaign,
            first_name="Signer",
            last_name=str(n),
            email=f"s{n}@example.net",
            email_hash=email_hash(f"s{n}@example.net"),
            country="FR",
            language="en",
            created_at=created,
            confirmed_at=created,
        )
        for n in range(count)
    )
    Delivery.objects.bulk_create(
        Delivery(campaign=campaign, signature=signature, target=target, next_attempt_at=created, created_at=created)
        for signature in signatures
    )


@pytest.mark.django_db
class TestWindowOpening:
    def test_inside_the_window_is_now(self, campaign):
        target = office_hours_target(campaign)
        now = baku(2026, 12, 1, 10)  # a Tuesday

        assert window_opening(target, now) == now

    def test_before_the_window_waits_for_its_start_in_the_target_time_zone(self, campaign):
        target = office_hours_target(campaign)

        assert window_opening(target, baku(2026, 12, 1, 7, 30)) == baku(2026, 12, 1, 9)

    def test_after_the_window_waits_for_the_next_day(self, campaign):
        target = office_hours_target(campaign)

        assert window_opening(target, baku(2026, 12, 1, 17)) == baku(2026, 12, 2, 9)

    def test_weekdays_only_skips_the_weekend(self, campaign):
        target = office_hours_target(campaign, weekdays_only=True)

        assert window_opening(target, baku(2026, 12, 4, 18)) == baku(2026, 12, 7, 9)  # Friday evening -> Monday

    def test_skip_dates_are_skipped(self, campaign):
        target = office_hours_target(campaign, skip_dates=["2026-12-31", "2027-01-01"])

        assert window_opening(target, baku(2026, 12, 30, 17, 30)) == baku(2027, 1, 2, 9)

    def test_public_holidays_of_the_targets_country_are_skipped(self, campaign):
        target = office_hours_target(campaign, holiday_country="AZ")

        # Novruz, 20-24 March 2027, and the 25th and 26th it moves on to: sending resumes on the 27th.
        assert window_opening(target, baku(2027, 3, 19, 17, 30)) == baku(2027, 3, 27, 9)

    def test_the_organisers_dates_are_skipped_on_top_of_the_public_holidays(self, campaign):
        target = office_hours_target(campaign, holiday_country="AZ", skip_dates=["2027-03-27", "2027-03-28"])

        assert window_opening(target, baku(2027, 3, 19, 17, 30)) == baku(2027, 3, 29, 9)

    def test_without_a_country_holidays_are_working_days_as_before(self, campaign):
        target = office_hours_target(campaign)

        assert window_opening(target, baku(2027, 3, 19, 17, 30)) == baku(2027, 3, 20, 9)

    def test_the_holiday_is_the_one_of_the_targets_own_date(self, campaign):
        target = office_hours_target(campaign, holiday_country="AZ", window_start=None, window_end=None)
        evening_in_london = datetime(2027, 3, 19, 21, tzinfo=UTC)  # already 20 March, Novruz, in Baku

        assert window_opening(target, datetime(2027, 3, 19, 19, tzinfo=UTC)) == datetime(2027, 3, 19, 19, tzinfo=UTC)
        assert window_opening(target, evening_in_london) == baku(2027, 3, 27, 0)

    def test_window_across_midnight(self, campaign):
        target = office_hours_target(campaign, window_start=time(22), window_end=time(2))

        assert window_opening(target, baku(2026, 12, 1, 23)) == baku(2026, 12, 1, 23)
        assert window_opening(target, baku(2026, 12, 2, 1)) == baku(2026, 12, 2, 1)
        assert window_opening(target, baku(2026, 12, 2, 3)) == baku(2026, 12, 2, 22)


@pytest.mark.django_db
def test_dispatch_spaces_slots_by_the_hourly_cap(campaign):
    target = office_hours_target(campaign, hourly_cap=60, window_start=None, window_end=None)
    now = baku(2026, 12, 1, 10)
    queue_letters(campaign, target, 10, now)

    slots = dispatch_paced(now=now, horizon=timedelta(minutes=5))

    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(slots)]
    assert len(slots) == 5
    assert slots[0].at == now
    assert all(60 <= gap <= 66 for gap in gaps)
    assert dispatch_paced(now=now, horizon=timedelta(minutes=5)) == []  # taken slots are not given twice


@pytest.mark.django_db
def test_simulated_day_never_exceeds_the_cap_nor_leaves_the_window(campaign, settings):
    """20,000 letters to one target, 60 an hour, 09:00-17:00 Baku time, run on a simulated clock for
    30 hours (two windows): the dispatcher hands out slots, the sender sends at each slot."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    target = office_hours_target(campaign, hourly_cap=60)
    start = baku(2026, 12, 1, 7)  # Tuesday 07:00
    queue_letters(campaign, target, 20_000, start)
    sent_at: list[datetime] = []

    now = start
    while now < start + timedelta(hours=30):
        for slot in dispatch_paced(now=now, horizon=timedelta(minutes=5)):
            if send_delivery(delivery_id=slot.delivery_id, now=slot.at).status == DeliveryStatus.SENT:
                sent_at.append(slot.at)
        now += timedelta(minutes=5)

    window: deque[datetime] = deque()
    busiest_hour = 0
    for moment in sent_at:
        window.append(moment)
        while window[0] <= moment - timedelta(hours=1):
            window.popleft()
        busiest_hour = max(busiest_hour, len(window))
    local_times = [moment.astimezone(BAKU).time() for moment in sent_at]
    statuses = Delivery.objects.values_list("status", flat=True)
    assert busiest_hour <= 60
    assert all(time(9) <= local < time(17) for local in local_times)
    assert 600 <= len(sent_at) <= 12 * 60  # two windows: 8 h on day one, 4 h on day two
    assert list(statuses).count(DeliveryStatus.SENT) == len(sent_at)
    assert list(statuses).count(DeliveryStatus.QUEUED) == 20_000 - len(sent_at)  # the rest waits, none lost


@pytest.mark.django_db
def test_on_a_public_holiday_the_dispatcher_gives_the_first_slot_after_it(campaign):
    target = office_hours_target(campaign, holiday_country="AZ")
    now = baku(2027, 3, 22, 10)  # Novruz
    queue_letters(campaign, target, 2, now)

    assert dispatch_paced(now=now, horizon=timedelta(hours=1)) == []
    first = dispatch_paced(now=baku(2027, 3, 27, 9), horizon=timedelta(minutes=1))
    assert [slot.at for slot in first] == [baku(2027, 3, 27, 9)]


@pytest.mark.django_db
def test_sender_refuses_a_letter_over_the_cap_even_if_dispatched_twice(campaign):
    target = office_hours_target(campaign, hourly_cap=2, window_start=None, window_end=None)
    now = baku(2026, 12, 1, 10)
    queue_letters(campaign, target, 3, now)
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))

    results = [send_delivery(delivery_id=delivery_id, now=now).status for delivery_id in ids]

    assert results == [DeliveryStatus.SENT, DeliveryStatus.SENT, "deferred"]
    third = Delivery.objects.get(pk=ids[2])
    assert (third.status, third.attempts) == (DeliveryStatus.QUEUED, 0)
    assert third.next_attempt_at == now + timedelta(minutes=30)


@pytest.mark.django_db
def test_outside_the_window_a_letter_waits_for_the_opening(campaign):
    target = office_hours_target(campaign, hourly_cap=None)
    night = baku(2026, 12, 1, 23)
    queue_letters(campaign, target, 1, night)

    result = send_delivery(delivery_id=Delivery.objects.get().pk, now=night)

    letter = Delivery.objects.get()
    assert result.status == "deferred"
    assert letter.status == DeliveryStatus.QUEUED
    assert letter.next_attempt_at == baku(2026, 12, 2, 9)
    assert mail.outbox == []


@pytest.mark.django_db
def test_on_a_public_holiday_an_unpaced_letter_waits_for_the_next_working_day(campaign):
    """The sender loads the target in one SQL statement on PostgreSQL: its country comes with it."""
    target = office_hours_target(campaign, hourly_cap=None, holiday_country="AZ")
    novruz = baku(2027, 3, 21, 11)
    queue_letters(campaign, target, 1, novruz)

    result = send_delivery(delivery_id=Delivery.objects.get().pk, now=novruz)

    letter = Delivery.objects.get()
    assert result.status == "deferred"
    assert letter.next_attempt_at == baku(2027, 3, 27, 9)
    assert mail.outbox == []


@pytest.mark.django_db
def test_paused_campaign_sends_nothing_until_resumed(campaign):
    target = office_hours_target(campaign, window_start=None, window_end=None)
    now = baku(2026, 12, 1, 10)
    queue_letters(campaign, target, 3, now)
    campaign.sending_paused = True
    campaign.save()

    paused = dispatch_paced(now=now)
    campaign.sending_paused = False
    campaign.save()
    resumed = dispatch_paced(now=now)

    assert paused == []
    assert len(resumed) == 1


@pytest.mark.django_db
def test_paused_target_defers_a_letter_already_dispatched(campaign):
    target = office_hours_target(campaign, window_start=None, window_end=None, sending_paused=True)
    now = baku(2026, 12, 1, 10)
    queue_letters(campaign, target, 1, now)

    result = send_delivery(delivery_id=Delivery.objects.get().pk, now=now)

    assert result.status == "deferred"
    assert mail.outbox == []


@pytest.mark.django_db
def test_deactivating_a_target_cancels_its_pending_letters(campaign):
    target = office_hours_target(campaign)
    queue_letters(campaign, target, 4, baku(2026, 12, 1, 10))

    cancelled = cancel_letters(target.deliveries.all(), reason="The target was deactivated.")

    assert cancelled == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}


@pytest.mark.django_db
def test_signing_enqueues_unpaced_letters_at_once_and_leaves_paced_ones_to_the_dispatcher(
    campaign, django_capture_on_commit_callbacks
):
    office_hours_target(campaign, name="Paced")
    data = {"first_name": "Bob", "last_name": "B", "email": "bob@example.net", "country": "GB"}

    signature = sign_petition(campaign=campaign, data=data, language="en", client_ip=None)

    letters = {d.target.name: d for d in Delivery.objects.filter(signature=signature).select_related("target")}
    assert letters["Presidential Administration"].enqueued_at is not None  # the factory's unpaced target
    assert letters["Paced"].enqueued_at is None


@pytest.mark.django_db
def test_unticking_active_in_admin_cancels_the_targets_pending_letters(campaign):
    target = office_hours_target(campaign)
    queue_letters(campaign, target, 2, baku(2026, 12, 1, 10))

    target.is_active = False
    target.save()  # what the campaign form's target inline does

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}


@pytest.mark.django_db
def test_letters_to_a_bounced_target_are_held_and_go_once_it_is_fixed(campaign):
    from django.utils import timezone

    target = office_hours_target(campaign, window_start=None, window_end=None)
    queue_letters(campaign, target, 1, baku(2026, 12, 1, 10))
    type(target).objects.filter(pk=target.pk).update(is_active=False, bounced_at=timezone.now())
    letter = Delivery.objects.get()

    held = send_delivery(delivery_id=letter.pk, now=baku(2026, 12, 1, 10))
    target.refresh_from_db()
    target.email = "fixed@president.example.org"
    target.is_active = True
    target.save()
    released = dispatch_paced(now=timezone.now())

    assert held.status == "held"
    assert Delivery.objects.get().status == DeliveryStatus.QUEUED
    assert target.bounced_at is None
    assert [slot.delivery_id for slot in released] == [letter.pk]


@pytest.mark.django_db
def test_new_signers_letters_to_a_bounced_target_are_held_not_dropped(campaign):
    from django.utils import timezone

    campaign.targets.update(is_active=False, bounced_at=timezone.now())
    data = {"first_name": "Bob", "last_name": "B", "email": "bob@example.net", "country": "GB"}

    sign_petition(campaign=campaign, data=data, language="en", client_ip=None)

    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.QUEUED]
