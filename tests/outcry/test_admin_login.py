"""Admin sign-in: lockout after repeated failures (no username oracle) and two-factor codes."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

PASSWORD = "alice-password-123"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every sign-in here checks a password: a cheap hasher keeps the lockout tests quick (the
    hasher is not what they test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username, password, *, ip="198.51.100.20", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index"), **extra},
        REMOTE_ADDR=ip,
    )


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_five_failures_lock_that_username_from_that_address(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200
    assert log_in(client, "alice", "wrong").status_code == 429  # the fifth failure locks

    locked = log_in(client, "alice", PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_looks_the_same_for_a_username_that_does_not_exist(client, alice, settings):
    for username in ("alice", "nobody-by-this-name"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, username, "wrong")

    real, unknown = log_in(client, "alice", "wrong"), log_in(client, "nobody-by-this-name", "wrong")

    assert (real.status_code, real.content) == (unknown.status_code, unknown.content)
    wrong_real = log_in(client, "alice", "wrong", ip="198.51.100.99")
    wrong_unknown = log_in(client, "nobody-by-this-name", "wrong", ip="198.51.100.99")
    assert wrong_real.status_code == wrong_unknown.status_code == 200
    assert wrong_real.context["form"].errors == wrong_unknown.context["form"].errors


def test_attacker_elsewhere_cannot_lock_an_organiser_out(client, alice, settings):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        log_in(client, "alice", "wrong", ip="203.0.113.66")

    response = log_in(client, "alice", PASSWORD, ip="198.51.100.20", otp_token=current_code(device))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_organiser_without_a_device_is_sent_to_set_one_up_not_signed_in(client, alice):
    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two_factor_enrol")
    assert "_auth_user_id" not in client.session


def test_organiser_with_a_device_cannot_sign_in_with_a_password_alone(client, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 200
    assert "Enter the current one-time code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_valid_code_signs_in_and_the_session_is_verified(client, alice, organisation):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)

    response = log_in(client, "alice", PASSWORD, otp_token=current_code(device))

    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_code_is_refused(client, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)  # once set up, always asked

    response = log_in(client, "alice", PASSWORD, otp_token="000000")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_site_wide_requirement_sends_an_unverified_session_back_to_login(client, alice, settings):
    client.force_login(alice)
    settings.ADMIN_TWO_FACTOR = "required"

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_login_page_offers_the_code_field(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert 'name="otp_token"' in page
    assert 'autocomplete="one-time-code"' in page


def test_superuser_sees_the_qr_code_of_a_new_device(client, alice, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "root-password-123")
    verified_login(client, root)
    device = TOTPDevice.objects.create(user=alice, name="alice's phone", confirmed=True)

    response = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


@pytest.mark.parametrize("length", [256, 300, 10_000])
def test_over_long_username_gets_the_wrong_login_form_not_an_error(client, alice, length):
    """django-axes stores a failed username in 255 characters: a longer one was a 500."""
    response = log_in(client, "a" * length, "wrong")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session
