"""Two-factor sign-in for the admin (django-otp, TOTP authenticator apps, one-time recovery codes).

Who must give a code: everyone who can see or export signer data, since one phished password would
otherwise be every signer's name and address: superusers, members of an organisation (the admin
shows them their campaigns' signatures, letters and exports) and staff granted a permission on
those rows. With ADMIN_TWO_FACTOR=required, every staff user. And anyone who has a confirmed
device (once set up, always asked).

Nobody is locked out by the requirement: after a right password, a user without a device is taken
to set one up (outcry/enrolment.py) and gets recovery codes, each good for one sign-in. A lost
phone: a superuser deletes the user's devices in the admin, or `manage.py reset_two_factor <user>`;
the user sets up a new one at their next sign-in.
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

from campaigns.tenancy import is_organiser

# Model permissions that show signers' names, addresses or letters, whoever was granted them.
SIGNER_DATA_PERMISSIONS = (
    "petitions.view_signature",
    "petitions.change_signature",
    "petitions.view_delivery",
    "petitions.view_signatureexport",
)


def sees_signer_data(user) -> bool:
    """Superusers, organisers (their campaigns' signers, letters and CSV exports) and staff with a
    permission on those rows."""
    return is_organiser(user) or any(user.has_perm(permission) for permission in SIGNER_DATA_PERMISSIONS)


def two_factor_required(user) -> bool:
    if not user.is_authenticated or not user.is_staff:
        return False
    return settings.ADMIN_TWO_FACTOR == "required" or sees_signer_data(user) or user_has_device(user)


def needs_enrolment(user) -> bool:
    """Must give a code but has nothing to give it with yet: sent to set up a device."""
    return two_factor_required(user) and not user_has_device(user)


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin login with a one-time code. Wrong password and wrong code are told apart only after
    the password was right, so the form never says whether a username exists."""

    enrolment_needed = False  # the password was right and a device is due: the login view sends them to set one up
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_(
            "From your authenticator app, or one of your recovery codes. The first time, leave it empty:"
            " you will be shown how to set one up."
        ),
    )

    def clean(self):
        # No account has a longer name. Refused as any wrong login, before the backends are asked:
        # django-axes would record it in a 255-character column and fail with a 500.
        if len(self.cleaned_data.get("username") or "") > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return super().clean()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not two_factor_required(user):
            return
        if needs_enrolment(user):
            self.enrolment_needed = True
            return
        token = "".join((self.cleaned_data.get("otp_token") or "").split()).lower()  # recovery codes: any case
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
