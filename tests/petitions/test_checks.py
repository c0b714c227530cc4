from django.test import override_settings

from petitions.checks import lease_outlasts_a_send


def test_default_lease_outlasts_the_slowest_send():
    assert lease_outlasts_a_send(None) == []


@override_settings(DELIVERY_LEASE_SECONDS=60, EMAIL_TIMEOUT=20)
def test_short_lease_is_reported():
    [warning] = lease_outlasts_a_send(None)

    assert warning.id == "outcry.W001"
    assert "Set DELIVERY_LEASE_SECONDS to at least 300" in warning.hint
