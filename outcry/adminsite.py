"""The organisers' admin site: Django's, with a sign-in that leads to setting up two-factor.

After a right password, an account that must give a one-time code but has no device yet is not
signed in: it is sent to set one up (outcry/enrolment.py). Someone who signed in with a recovery
code (their phone is gone) is sent there too, to set up a new authenticator.
"""

from functools import partial

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice

from outcry import enrolment
from outcry.twofactor import TwoFactorLoginForm


class TwoFactorLoginView(LoginView):
    def form_valid(self, form):
        if form.enrolment_needed:
            return enrolment.begin(self.request, form.get_user(), next_url=self.get_success_url())
        response = super().form_valid(form)
        if isinstance(getattr(form.get_user(), "otp_device", None), StaticDevice):
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse('admin:two_factor_enrol')}?{query}")
        return response


class OutcryAdminSite(admin.AdminSite):
    login_form = TwoFactorLoginForm
    login_template = "admin/outcry_login.html"

    def get_urls(self):
        enrol = partial(enrolment.enrol_view, admin_site=self)
        return [path("two-factor/", enrol, name="two_factor_enrol"), *super().get_urls()]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Django's admin login, through TwoFactorLoginView."""
        if request.method == "GET" and self.has_permission(request):
            return redirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return TwoFactorLoginView.as_view(
            extra_context=context, authentication_form=self.login_form, template_name=self.login_template
        )(request)
