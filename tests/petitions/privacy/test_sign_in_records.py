"""Organisers' sign-in records (django-axes) are deleted after AXES_RETENTION_DAYS."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from petitions.privacy.sign_in_records import forget_old_sign_in_records
from petitions.tasks import forget_sign_in_records_task

pytestmark = pytest.mark.django_db


def records_at(when) -> list:
    """One of each record axes keeps, as written at `when` (from a browser of that moment: axes
    keeps one lockout counter per username, address and browser)."""
    who = {"ip_address": "198.51.100.20", "user_agent": f"Firefox {when}", "username": "alice", "path_info": "/"}
    rows = [
        AccessAttempt.objects.create(**who, get_data="", post_data="", failures_since_start=1),
        AccessLog.objects.create(**who),
        AccessFailureLog.objects.create(**who, locked_out=False),
    ]
    for row in rows:  # attempt_time is set on insert: move it
        type(row).objects.filter(pk=row.pk).update(attempt_time=when)
    return rows


def remaining() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (AccessAttempt, AccessLog, AccessFailureLog)}


def test_records_older_than_the_retention_period_go_and_recent_ones_stay(settings):
    settings.AXES_RETENTION_DAYS = 30
    now = timezone.now()
    records_at(now - timedelta(days=31))
    recent = records_at(now - timedelta(days=29))

    deleted = forget_old_sign_in_records(now=now)

    assert deleted == 3
    assert remaining() == {"AccessAttempt": 1, "AccessLog": 1, "AccessFailureLog": 1}
    assert {type(row).objects.get().pk for row in recent} == {row.pk for row in recent}


def test_the_retention_period_is_a_setting(settings):
    now = timezone.now()
    records_at(now - timedelta(days=8))
    settings.AXES_RETENTION_DAYS = 10
    assert forget_old_sign_in_records(now=now) == 0

    settings.AXES_RETENTION_DAYS = 7
    assert forget_old_sign_in_records(now=now) == 3
    assert remaining() == {"AccessAttempt": 0, "AccessLog": 0, "AccessFailureLog": 0}


def test_the_beat_task_forgets_them(settings):
    records_at(timezone.now() - timedelta(days=settings.AXES_RETENTION_DAYS + 1))

    assert forget_sign_in_records_task() == 3
