from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Signatures and letters"
