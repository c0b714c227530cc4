"""Forget a user's two-factor devices (authenticator and recovery codes) when the phone is lost.

At their next sign-in, after their password, they set up a new authenticator. Their sessions stop
counting as verified at once, so they are asked to sign in again. The way back in for the last
superuser; others can also ask a superuser to delete their devices in the admin.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
        self.stdout.write(
            f"Removed {len(devices)} two-factor device(s) of {username}. "
            "They set up a new authenticator at their next sign-in."
        )
