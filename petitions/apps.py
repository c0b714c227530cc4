from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Signatures and letters")

    def ready(self) -> None:
        # Imports here, as Django asks: the app registry is ready only now.
        # Connects the receivers: anymail's tracking signal (delivered, bounced, complained), its
        # inbound signal (targets' replies), organisers' edits of targets, and the end of a rehearsal.
        # The admin login asks for a one-time code where two-factor applies (outcry/twofactor.py).
        from django.contrib import admin

        from outcry.twofactor import TwoFactorLoginForm
        from petitions import checks, rehearsal  # noqa: F401
        from petitions.delivery import receivers  # noqa: F401
        from petitions.responses import inbound  # noqa: F401
        from petitions.tracking import events  # noqa: F401

        admin.site.login_form = TwoFactorLoginForm
        admin.site.login_template = "admin/outcry_login.html"
