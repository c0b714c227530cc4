from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class CampaignPhase(models.TextChoices):
    """What the public sees right now: the status combined with the opening and closing dates."""

    DRAFT = "draft", _("Not published")
    NOT_YET_OPEN = "not_yet_open", _("Not open yet")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class DeliveryMode(models.TextChoices):
    SINGLE = "single", _("One letter per signer")
    DIGEST = "digest", _("A digest per target and period, naming the new signers")


class TargetRouting(models.TextChoices):
    """Whom each signer writes to (campaigns/routing.py)."""

    EVERY = "every", _("Every signer writes to every target")
    COUNTRY = "country", _("Each signer writes to the targets for their country")
    CHOICE = "choice", _("Each signer chooses whom to write to")
    POSTCODE = "postcode", _("Each signer writes to the targets for their postcode or region")


class DigestPeriod(models.TextChoices):
    HOUR = "hour", _("Every hour")
    DAY = "day", _("Every day")


class Role(models.TextChoices):
    """What a member may do in their organisation (campaigns/roles.py has the table)."""

    OWNER = "owner", _("Owner")
    CAMPAIGNER = "campaigner", _("Campaigner")
    TRANSLATOR = "translator", _("Translator")
    VIEWER = "viewer", _("Viewer")


class SignerVoice(models.TextChoices):
    """How much of the letter a signer writes (petitions/signing/forms.py asks for it)."""

    FIXED = "fixed", _("The letter is fixed: signers send it as written")
    EDIT = "edit", _("Signers may edit the subject and the letter, starting from yours")
    PARAGRAPH = "paragraph", _("Signers write a personal paragraph that opens the letter")
