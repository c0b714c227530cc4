"""System checks for sending settings (shown by `manage.py check`, which CI runs)."""

from django.conf import settings
from django.core import checks

# A send is up to ~10 server replies (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, ...), each
# allowed EMAIL_TIMEOUT, and the mailer may open a second session once (petitions/mail/transport.py).
REPLIES_PER_SEND = 15


@checks.register(checks.Tags.compatibility)
def lease_outlasts_a_send(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A lease shorter than the slowest possible send lets the sweeper hand a letter to a second
    worker while the first is still talking to the server: the letter would go out twice."""
    if settings.DELIVERY_LEASE_SECONDS >= REPLIES_PER_SEND * settings.EMAIL_TIMEOUT:
        return []
    return [
        checks.Warning(
            f"DELIVERY_LEASE_SECONDS ({settings.DELIVERY_LEASE_SECONDS}) is shorter than "
            f"{REPLIES_PER_SEND} x EMAIL_TIMEOUT ({settings.EMAIL_TIMEOUT}): a slow mail server can make a "
            "letter go out twice.",
            hint=f"Set DELIVERY_LEASE_SECONDS to at least {REPLIES_PER_SEND * settings.EMAIL_TIMEOUT}.",
            id="outcry.W001",
        )
    ]


@checks.register(checks.Tags.security)
def signer_data_can_be_encrypted(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Without a key nothing can be signed or read; a key derived from SECRET_KEY would be lost
    with the next SECRET_KEY rotation, and the data with it."""
    from petitions.core.encryption import key_problem  # at check time: settings are read when checks run

    problem = key_problem(settings.SIGNER_DATA_KEYS)
    return [checks.Error(problem, id="outcry.E002")] if problem else []
