"""Signing in to the admin as its users must: organisers and superusers give a one-time code."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def verified_login(client, user) -> TOTPDevice:
    """`client` signed in as `user` with a verified session, as after password and code: the user's
    authenticator (one is set up if they have none) is the session's device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
