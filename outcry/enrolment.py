"""Setting up two-factor sign-in oneself, so that requiring it locks nobody out.

A user who must give a code but has no device yet is brought here by a right password: they scan a
QR code into an authenticator app, prove it with one code, and get recovery codes. Only then is the
session signed in (and verified): until that moment the password opened nothing but this page, for
ENROLMENT_SECONDS, and only while the account still has no device.

A signed-in user with a verified session may come here too, to replace their authenticator and
recovery codes: someone who signed in with a recovery code because the phone is gone is sent here.
The secret is kept in the server-side session until it is confirmed, and never reaches a log.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

PENDING = "outcry_two_factor_pending"  # {"user", "backend", "since", "next"}: a right password, no device yet
SECRET = "outcry_two_factor_secret"  # noqa: S105 - a session key's name: the hex key shown, until a code confirms it
ENROLMENT_SECONDS = 600
RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def begin(request: HttpRequest, user, *, next_url: str) -> HttpResponse:
    """After a right password for an account that must have a device and has none: remember whom,
    for a few minutes, in a fresh session, and go and set one up. Nobody is signed in yet."""
    request.session.cycle_key()
    request.session.pop(SECRET, None)
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "since": time.time(), "next": next_url}
    return redirect("admin:two_factor_enrol")


def _pending(request: HttpRequest):
    """The user whose password was just right, if that was recently and they still have no device."""
    state = request.session.get(PENDING)
    if not state or time.time() - state["since"] > ENROLMENT_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=state["user"], is_active=True, is_staff=True).first()
    if user is None or user_has_device(user):
        return None
    return user


def _signed_in(request: HttpRequest):
    """A signed-in staff user who may replace their devices: verified, or with none to verify."""
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff and (user.is_verified() or not user_has_device(user)):
        return user
    return None


def _next_url(request: HttpRequest, wanted: str) -> str:
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("admin:index")


def _verified(secret: str, code: str) -> TOTP | None:
    """The TOTP at the step the code matched, or None: the current code, or one step either side."""
    code = "".join(code.split())
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    return totp if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def _replace_devices(user, *, secret: str, totp: TOTP, must_have_none: bool) -> tuple[TOTPDevice, list[str]] | None:
    """The user's new authenticator and recovery codes, in place of any they had; None if a device
    appeared meanwhile where there must be none (another tab, another person)."""
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()  # one at a time
    if must_have_none and user_has_device(user):
        return None
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    # The code just used cannot be used again to sign in: the next must come from a later step.
    device = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=secret, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return device, codes


@sensitive_post_parameters("code")
@never_cache
def enrol_view(request: HttpRequest, *, admin_site) -> HttpResponse:
    pending_user = _pending(request)
    user = pending_user or _signed_in(request)
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("admin:login")
    wanted = request.session[PENDING]["next"] if pending_user else request.GET.get("next", "")
    next_url = _next_url(request, request.POST.get("next", wanted))
    secret = request.session.get(SECRET) or random_hex(20)
    request.session[SECRET] = secret
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        totp = _verified(secret, form.cleaned_data["code"])
        if totp is None:
            form.add_error("code", _("That code is not right. Check the time on your phone and enter the newest code."))
        else:
            replaced = _replace_devices(user, secret=secret, totp=totp, must_have_none=bool(pending_user))
            if replaced is None:
                request.session.flush()
                return redirect("admin:login")
            return _enrolled(request, admin_site, user, replaced, pending=bool(pending_user), next_url=next_url)
    device = TOTPDevice(user=user, key=secret)  # unsaved: only for its otpauth:// address
    context = {
        **admin_site.each_context(request),
        "title": _("Set up two-factor sign-in"),
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": " ".join(b32encode(unhexlify(secret)).decode()[i : i + 4] for i in range(0, 32, 4)),
        "replacing": not pending_user and user_has_device(user),
        "next": next_url,
    }
    return TemplateResponse(request, "admin/outcry_two_factor_enrol.html", context)


def _enrolled(request, admin_site, user, replaced, *, pending: bool, next_url: str) -> HttpResponse:
    """Signed in and verified with the new device; the recovery codes, shown this once."""
    device, codes = replaced
    request.session.pop(SECRET, None)
    if pending:
        backend = request.session.pop(PENDING)["backend"]
        user.otp_device = device  # django-otp marks the new session verified as it signs in
        auth_login(request, user, backend=backend)
    else:
        otp_login(request, device)
    context = {
        **admin_site.each_context(request),
        "title": _("Your recovery codes"),
        "codes": codes,
        "next": next_url,
    }
    return TemplateResponse(request, "admin/outcry_two_factor_codes.html", context)
