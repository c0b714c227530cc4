"""Two-factor sign-in for the admin (django-otp, TOTP authenticator apps).

Who must give a code: every staff user when ADMIN_TWO_FACTOR=required; otherwise members of an
organisation whose require_two_factor a superuser ticked, and anyone who has a confirmed device
(once set up, always asked). A superuser adds a user's device under "TOTP devices" in the admin and
the user scans its QR code.
"""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device


def two_factor_required(user) -> bool:
    if not user.is_authenticated or not user.is_staff:
        return False
    if settings.ADMIN_TWO_FACTOR == "required" or user_has_device(user):
        return True
    return user.organisations.filter(require_two_factor=True).exists()


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin login with a one-time code. Wrong password and wrong code are told apart only after
    the password was right, so the form never says whether a username exists."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("From your authenticator app, if your account has one."),
    )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not two_factor_required(user):
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        device = match_token(user, token) if token else None
        if device is None:
            raise forms.ValidationError(_("Enter the current one-time code from your authenticator app."))
        user.otp_device = device  # django-otp marks the session verified when the login completes


class RequireTwoFactorMiddleware:
    """A session without a verified code (signed in before two-factor was required) is sent back to
    the login page whenever it opens an admin page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(settings.ADMIN_URL_PREFIX)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and request.path not in (reverse("admin:login"), reverse("admin:logout"))
            and two_factor_required(request.user)
        ):
            logout(request)
            return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)
