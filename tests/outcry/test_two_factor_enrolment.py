"""Two-factor sign-in is required for everyone who can see signer data, and nobody is locked out.

alice organises (so she sees her campaign's signers); carol is staff with no organisation and no
permission (she sees nobody). A phished password alone must never show a signer's name.
"""

import time
from binascii import unhexlify
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outcry import enrolment
from outcry.twofactor import sees_signer_data, two_factor_required
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, SignatureExport
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

PASSWORD = "alice-password-123"
SIGNER = "Nigarsigner"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signer(campaign):
    signature = SignatureFactory(campaign=campaign, first_name=SIGNER, last_name="Əliyeva")
    Delivery.objects.create(
        campaign=campaign, signature=signature, target=campaign.targets.get(), status=DeliveryStatus.SENT
    )
    return signature


@pytest.fixture
def carol(db, django_user_model):
    return django_user_model.objects.create_user("carol", "carol@example.org", PASSWORD, is_staff=True)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": reverse("admin:index"), **extra}
    )


def signer_data_pages(signature) -> list[str]:
    campaign = signature.campaign
    return [
        reverse("admin:index"),
        reverse("admin:petitions_signature_changelist"),
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        reverse("admin:petitions_signature_export", args=[campaign.pk]),
        reverse("admin:petitions_signature_dashboard", args=[campaign.pk]),
        reverse("admin:petitions_delivery_changelist"),
        reverse("admin:petitions_delivery_change", args=[signature.deliveries.get().pk]),
        reverse("admin:petitions_signatureexport_changelist"),
    ]


def assert_no_signer_data(client, signature) -> None:
    for url in signer_data_pages(signature):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        assert SIGNER not in response.content.decode()
    export = client.post(reverse("admin:petitions_signature_export", args=[signature.campaign.pk]))
    assert export.status_code == 302
    assert not SignatureExport.objects.exists()


def enrol(client) -> list[str]:
    """Scan and confirm on the set-up page, as the user would; the recovery codes it shows."""
    page = client.get(reverse("admin:two_factor_enrol"))
    assert page.status_code == 200
    secret = client.session[enrolment.SECRET]
    code = f"{TOTP(unhexlify(secret)).token():06d}"
    done = client.post(reverse("admin:two_factor_enrol"), {"code": code})
    assert done.status_code == 200, done.content.decode()
    return done.context["codes"]


def test_organiser_with_a_right_password_and_no_device_reaches_no_signer_data(client, alice, signer):
    response = log_in(client, "alice")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two_factor_enrol")
    assert "_auth_user_id" not in client.session
    assert_no_signer_data(client, signer)


def test_an_old_password_only_session_reaches_no_signer_data(client, alice, signer):
    client.force_login(alice)  # signed in before two-factor was required

    assert_no_signer_data(client, signer)
    assert "_auth_user_id" not in client.session


def test_the_set_up_page_shows_a_qr_code_and_the_key(client, alice):
    log_in(client, "alice")

    page = client.get(reverse("admin:two_factor_enrol"))

    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert page.context["secret"] in html
    assert len(page.context["secret"].replace(" ", "")) == 32  # 20 random bytes, in base32


def test_enrolling_with_the_right_code_signs_in_verified_and_shows_recovery_codes(client, alice, signer):
    log_in(client, "alice")

    codes = enrol(client)

    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert len(codes) == len(set(codes)) == enrolment.RECOVERY_CODES
    assert sorted(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == sorted(codes)
    listing = client.get(reverse("admin:petitions_signature_changelist"))
    assert listing.status_code == 200
    assert SIGNER in listing.content.decode()


def test_a_wrong_code_sets_nothing_up_and_signs_nobody_in(client, alice, signer):
    log_in(client, "alice")
    client.get(reverse("admin:two_factor_enrol"))

    response = client.post(reverse("admin:two_factor_enrol"), {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert "_auth_user_id" not in client.session
    assert_no_signer_data(client, signer)


def test_the_set_up_page_needs_a_right_password_first(client, alice):
    assert client.get(reverse("admin:two_factor_enrol"))["Location"] == reverse("admin:login")
    log_in(client, "alice", "wrong-password")

    assert client.get(reverse("admin:two_factor_enrol"))["Location"] == reverse("admin:login")


def test_the_set_up_page_expires(client, alice, monkeypatch):
    log_in(client, "alice")
    later = time.time() + enrolment.ENROLMENT_SECONDS + 1
    monkeypatch.setattr("time.time", lambda: later)

    assert client.get(reverse("admin:two_factor_enrol"))["Location"] == reverse("admin:login")


def test_a_device_set_up_meanwhile_ends_the_pending_set_up(client, alice):
    log_in(client, "alice")
    client.get(reverse("admin:two_factor_enrol"))
    TOTPDevice.objects.create(user=alice, name="someone else's phone", confirmed=True)

    response = client.post(reverse("admin:two_factor_enrol"), {"code": "123456"})

    assert response["Location"] == reverse("admin:login")
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert "_auth_user_id" not in client.session


def test_the_code_used_to_set_up_cannot_sign_in_again(client, alice):
    log_in(client, "alice")
    page = client.get(reverse("admin:two_factor_enrol"))
    assert page.status_code == 200
    code = f"{TOTP(unhexlify(client.session[enrolment.SECRET])).token():06d}"
    client.post(reverse("admin:two_factor_enrol"), {"code": code})
    client.logout()

    replay = log_in(client, "alice", otp_token=code)

    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once_and_only_once(client, alice, signer):
    log_in(client, "alice")
    first, *_ = enrol(client)
    client.logout()

    signed_in = log_in(client, "alice", otp_token=first.upper())

    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith(reverse("admin:two_factor_enrol"))  # set up the lost phone again
    assert client.session["otp_device_id"] == StaticDevice.objects.get(user=alice).persistent_id
    assert client.get(reverse("admin:petitions_signature_changelist")).status_code == 200
    client.logout()
    again = log_in(client, "alice", otp_token=first)
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=alice).count() == enrolment.RECOVERY_CODES - 1


def test_after_a_recovery_code_a_new_authenticator_replaces_the_old_devices(client, alice):
    log_in(client, "alice")
    first, second, *_ = enrol(client)
    old = TOTPDevice.objects.get(user=alice)
    client.logout()
    log_in(client, "alice", otp_token=first)

    new_codes = enrol(client)

    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert second not in new_codes
    assert client.session["otp_device_id"] == TOTPDevice.objects.get(user=alice).persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_signer_data_sign_in_with_a_password(client, carol):
    response = log_in(client, "carol")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.session["_auth_user_id"] == str(carol.pk)
    assert client.get(reverse("admin:index")).status_code == 200
    assert not sees_signer_data(carol)


def test_a_permission_on_signatures_makes_two_factor_required(client, carol):
    carol.user_permissions.add(Permission.objects.get(codename="view_signature"))

    response = log_in(client, "carol")

    assert response["Location"] == reverse("admin:two_factor_enrol")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["superuser", "organiser"])
def test_superusers_and_organisers_must_give_a_code(who, alice, django_user_model):
    user = alice if who == "organiser" else django_user_model.objects.create_superuser("root", "r@example.org", "x")

    assert sees_signer_data(user)
    assert two_factor_required(user)


def test_required_for_everyone_covers_staff_without_signer_data(client, carol, settings):
    settings.ADMIN_TWO_FACTOR = "required"

    assert log_in(client, "carol")["Location"] == reverse("admin:two_factor_enrol")


def test_reset_two_factor_lets_a_user_who_lost_their_phone_set_up_a_new_one(client, alice):
    log_in(client, "alice")
    enrol(client)
    client.logout()
    out = StringIO()

    call_command("reset_two_factor", "alice", stdout=out)

    assert "Removed 2 two-factor device(s) of alice" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    assert log_in(client, "alice")["Location"] == reverse("admin:two_factor_enrol")


def test_reset_two_factor_signs_out_the_verified_sessions(client, alice):
    log_in(client, "alice")
    enrol(client)

    call_command("reset_two_factor", "alice", stdout=StringIO())

    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_reset_two_factor_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("reset_two_factor", "nobody")


def test_a_superuser_resets_a_users_devices_in_the_admin(client, alice, admin_client):
    device = TOTPDevice.objects.create(user=alice, name="lost phone", confirmed=True)

    response = admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert log_in(client, "alice")["Location"] == reverse("admin:two_factor_enrol")
