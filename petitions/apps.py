from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Signatures and letters"

    def ready(self) -> None:
        # Connects the receivers: anymail's tracking signal (delivered, bounced, complained) and
        # organisers' edits of targets.
        from petitions import checks, receivers, tracking  # noqa: F401
