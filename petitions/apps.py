from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Signatures and letters"

    def ready(self) -> None:
        # Connects the receivers: anymail's tracking signal (delivered, bounced, complained) and
        # organisers' edits of targets.
        # The admin login asks for a one-time code where two-factor applies (outcry/twofactor.py).
        from django.contrib import admin

        from outcry.twofactor import TwoFactorLoginForm
        from petitions import checks, receivers, tracking  # noqa: F401

        admin.site.login_form = TwoFactorLoginForm
        admin.site.login_template = "admin/outcry_login.html"
