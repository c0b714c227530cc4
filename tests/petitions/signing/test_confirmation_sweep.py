"""A confirmation email lost with the broker is asked for again by the sweeper, and goes once."""

import smtplib
import threading
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from outcry.celery import app
from petitions.core import doorbell
from petitions.enums import SignatureStatus
from petitions.mail import errors, signer_mail
from petitions.models import Signature
from petitions.signing import confirmations, service
from petitions.signing.service import sign_petition
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

BOB = {"first_name": "Bob", "last_name": "Builder", "email": "bob@example.net", "country": "GB"}


def run_published_tasks(monkeypatch) -> list[tuple[str, int]]:
    """The broker and a worker in one from now on: each published task runs at once. Returns the
    list of what is published, in order."""
    app.loader.import_default_modules()
    calls = []

    def publish_and_run(task_name, ids, **kwargs):
        for object_id in ids:
            calls.append((task_name, object_id))
            app.tasks[task_name](object_id)

    monkeypatch.setattr(signer_mail, "publish_ids", publish_and_run)
    return calls


@pytest.fixture
def published(monkeypatch) -> list[tuple[str, int]]:
    return run_published_tasks(monkeypatch)


@pytest.fixture
def broker_down():
    """The doorbell's breaker open, as after a failed publish: nothing reaches the broker."""
    doorbell._breaker.failed()
    yield
    doorbell._breaker.succeeded()


def later(seconds: float = 0) -> datetime:
    """A sweep's time once a new signature's grace period is over."""
    return timezone.now() + timedelta(seconds=settings.SWEEP_GRACE_SECONDS + 1 + seconds)


def sign(campaign, capture, **data) -> Signature:
    with capture(execute=True):
        return sign_petition(campaign=campaign, data=BOB | data, language="en", client_ip=None)


def sweep(capture, **kwargs) -> int:
    with capture(execute=True):
        return confirmations.sweep_confirmations(**kwargs)


def test_a_confirmation_lost_with_the_broker_goes_once_the_sweeper_runs(
    opt_in_campaign, django_capture_on_commit_callbacks, broker_down, monkeypatch
):
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)
    mailed_during_outage = list(mail.outbox)
    doorbell._breaker.succeeded()  # the broker answers again
    published = run_published_tasks(monkeypatch)

    first = sweep(django_capture_on_commit_callbacks, now=later())
    again = sweep(django_capture_on_commit_callbacks, now=later(3600))
    signature.refresh_from_db()

    assert mailed_during_outage == []
    assert (first, again) == (1, 0)
    assert published == [("petitions.send_first_confirmation", signature.pk)]
    [message] = mail.outbox
    assert message.to == ["bob@example.net"]
    assert "/confirm/" in message.body
    assert signature.confirmation_mailed_at is not None


def test_a_signature_whose_email_went_is_not_swept(opt_in_campaign, django_capture_on_commit_callbacks, published):
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)

    swept = sweep(django_capture_on_commit_callbacks, now=later())

    assert swept == 0
    assert published == [("petitions.send_first_confirmation", signature.pk)]
    assert len(mail.outbox) == 1


def test_held_confirmed_and_expired_signatures_are_never_swept(
    opt_in_campaign, django_capture_on_commit_callbacks, published
):
    long_ago = timezone.now() - timedelta(days=settings.CONFIRMATION_EXPIRY_DAYS + 1)
    SignatureFactory(campaign=opt_in_campaign, status=SignatureStatus.HELD, confirmed_at=None, hold_reasons="x")
    SignatureFactory(campaign=opt_in_campaign, status=SignatureStatus.CONFIRMED)
    SignatureFactory(campaign=opt_in_campaign, status=SignatureStatus.PENDING, confirmed_at=None, created_at=long_ago)

    swept = sweep(django_capture_on_commit_callbacks, now=later())

    assert (swept, published, mail.outbox) == (0, [], [])


def test_a_new_signature_is_left_to_its_own_request_for_the_grace_period(
    opt_in_campaign, django_capture_on_commit_callbacks, broker_down
):
    sign(opt_in_campaign, django_capture_on_commit_callbacks)

    assert sweep(django_capture_on_commit_callbacks) == 0


def test_a_slow_queue_is_asked_again_once_per_grace_period_and_the_email_goes_once(
    opt_in_campaign, django_capture_on_commit_callbacks, monkeypatch
):
    queue = []  # a broker whose worker is far behind
    monkeypatch.setattr(signer_mail, "publish_ids", lambda name, ids, **kw: queue.extend((name, i) for i in ids))
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)

    asked = [
        sweep(django_capture_on_commit_callbacks, now=later()),
        sweep(django_capture_on_commit_callbacks, now=later(1)),  # within the grace period of the last
        sweep(django_capture_on_commit_callbacks, now=later(3600)),
    ]
    app.loader.import_default_modules()
    sent = [app.tasks[name](pk) for name, pk in queue]

    assert asked == [1, 0, 1]
    assert queue == [("petitions.send_first_confirmation", signature.pk)] * 3
    assert sent == [True, False, False]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_finds_the_email_being_sent_leaves_it_to_the_one_at_it(opt_in_campaign, broker_down):
    signature = sign_petition(campaign=opt_in_campaign, data=BOB, language="en", client_ip=None)
    locked, release = threading.Event(), threading.Event()

    def sending_worker():
        try:
            with transaction.atomic():
                Signature.objects.select_for_update().get(pk=signature.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=sending_worker)
    other.start()
    try:
        locked.wait(10)
        while_locked = confirmations.send_confirmation(signature_id=signature.pk, unless_mailed=True)
    finally:
        release.set()
        other.join(10)
    after = confirmations.send_confirmation(signature_id=signature.pk, unless_mailed=True)

    assert (while_locked, after) == (False, True)
    assert len(mail.outbox) == 1


@override_settings(SIGNER_MAIL_DAILY_CAP=0)
def test_an_email_skipped_for_the_daily_cap_is_done_with(
    opt_in_campaign, django_capture_on_commit_callbacks, published
):
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)

    swept = sweep(django_capture_on_commit_callbacks, now=later())
    signature.refresh_from_db()

    assert (swept, mail.outbox) == (0, [])
    assert signature.confirmation_mailed_at is not None


def test_an_email_worth_a_retry_stays_owed(
    opt_in_campaign, django_capture_on_commit_callbacks, broker_down, monkeypatch
):
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)

    def disconnected(self):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr("petitions.mail.outgoing.OutgoingEmail.send", disconnected)
        with pytest.raises(errors.MailNotSent):
            confirmations.send_confirmation(signature_id=signature.pk, unless_mailed=True)
    signature.refresh_from_db()

    assert signature.confirmation_mailed_at is None
    assert confirmations.send_confirmation(signature_id=signature.pk, unless_mailed=True) is True


def test_signing_again_while_pending_still_mails_the_link_again(
    opt_in_campaign, django_capture_on_commit_callbacks, published
):
    signature = sign(opt_in_campaign, django_capture_on_commit_callbacks)
    with pytest.raises(service.AlreadySigned):
        sign(opt_in_campaign, django_capture_on_commit_callbacks)

    assert published == [
        ("petitions.send_first_confirmation", signature.pk),
        ("petitions.send_confirmation", signature.pk),
    ]
    assert len(mail.outbox) == 2


def test_a_released_signature_is_owed_its_confirmation_email(
    opt_in_campaign, django_capture_on_commit_callbacks, broker_down, monkeypatch
):
    from petitions.abuse import moderation

    held = SignatureFactory(
        campaign=opt_in_campaign,
        status=SignatureStatus.HELD,
        confirmed_at=None,
        hold_reasons="too_fast",
        created_at=timezone.now() - timedelta(days=1),
        confirmation_mailed_at=timezone.now() - timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.release_signatures(signature_ids=[held.pk])
    held.refresh_from_db()
    doorbell._breaker.succeeded()
    run_published_tasks(monkeypatch)

    swept = sweep(django_capture_on_commit_callbacks, now=later())

    assert (held.status, held.confirmation_mailed_at) == (SignatureStatus.PENDING, None)
    assert swept == 1
    assert [m.to for m in mail.outbox] == [[held.email]]
