"""What organisers configure: organisations, campaigns, their targets and letters.

Small, read-mostly tables. Public reads of them go through selectors.py, which caches briefly.
"""

import functools
import re
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns import days_off
from campaigns.enums import (
    CampaignPhase,
    CampaignStatus,
    DeliveryMode,
    DigestPeriod,
    Role,
    SignerVoice,
    TargetRouting,
)
from campaigns.placeholders import validate_placeholders

# Between two versions of a letter in MessageTemplate.body_alternatives: a line of three dashes or more.
VARIANT_SEPARATOR = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)


class Organisation(models.Model):
    """A union or NGO that runs campaigns; its members are the staff users who organise for it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    notify_email = models.EmailField(
        _("email for alerts"),
        blank=True,
        help_text=_("Where alerts (bounces, milestones) go; empty: every member's address."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="organisations",
        through="Membership",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff user's place in an organisation, and what their role lets them do there."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=Role.choices,
        default=Role.CAMPAIGNER,
        help_text=_(
            "Owner: everything, erasing signers' data included. Campaigner: campaigns, letters, "
            "targets, publishing, signers and their export. Translator: the pages and letters only. "
            "Viewer: campaigns and figures, no signers' data."
        ),
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organisation", "user"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Campaign(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(
        _("internal name"), max_length=200, help_text=_("Internal name; the public title is per language.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_(
            "The last part of the page's address, /c/free-the-four/ for free-the-four: letters, digits and dashes."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    starts_at = models.DateTimeField(
        _("opens"), null=True, blank=True, help_text=_("Empty: open as soon as it is live.")
    )
    ends_at = models.DateTimeField(_("closes"), null=True, blank=True, help_text=_("Empty: open until closed by hand."))
    goal = models.PositiveIntegerField(
        _("goal"), null=True, blank=True, help_text=_("Signatures wanted; empty for none.")
    )
    default_language = models.CharField(_("main language"), max_length=10, choices=settings.LANGUAGES, default="en")
    image = models.ImageField(_("image"), upload_to="campaigns/", blank=True)
    share_text = models.CharField(_("text for sharing"), max_length=280, blank=True)
    allow_personal_message = models.BooleanField(
        _("personal messages"), default=True, help_text=_("Signers may add a personal message to the letter.")
    )
    signer_voice = models.CharField(
        _("the signer's own words"),
        max_length=10,
        choices=SignerVoice.choices,
        default=SignerVoice.FIXED,
        help_text=_(
            "Letters in signers' own words read as people, not as a campaign. An edited letter keeps "
            "the placeholders that name the target and the signer."
        ),
    )
    consent_text = models.CharField(
        _("contact consent question"),
        max_length=500,
        blank=True,
        help_text=_("The question next to the contact-consent box; empty for the standard wording."),
    )
    target_routing = models.CharField(
        _("whom each signer writes to"),
        max_length=10,
        choices=TargetRouting.choices,
        default=TargetRouting.EVERY,
        help_text=_(
            "By country: give each target the countries whose signers write to it, and mark the target(s) "
            "for everyone else as default. By postcode: give each target the postcodes or regions it is for. "
            "By choice: signers tick the targets they write to."
        ),
    )
    target_choice_limit = models.PositiveSmallIntegerField(
        _("targets a signer may choose"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("When signers choose whom to write to: at most this many targets each."),
    )
    delivery_mode = models.CharField(
        _("how letters are sent"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.SINGLE
    )
    digest_period = models.CharField(
        _("digest every"), max_length=10, choices=DigestPeriod.choices, default=DigestPeriod.DAY
    )
    sending_paused = models.BooleanField(
        _("sending paused"),
        default=False,
        help_text=_("Letters wait in the queue while sending is paused; signing goes on."),
    )
    # The default, because a government written to is the likely attacker: with it, signing with
    # someone's address changes nothing anyone else can see until that address's owner confirms
    # (docs/operators/security.md, "Has this address signed?").
    signers_at_risk = models.BooleanField(
        _("signers may be at risk"),
        default=True,
        help_text=_(
            "Count, show and send only signatures confirmed through a link emailed to the signer, so "
            "nobody can find out whether an address has signed by signing with it. Unconfirmed "
            "signatures are deleted after a few days. Turn this off only if signing puts no one in "
            "danger: signatures then count at once, and whoever knows an address can "
            "find out whether it has signed."
        ),
    )
    # Never offered while signers may be at risk (offers_own_mailbox): a letter from the signer's own
    # address shows the target who signed.
    own_mailbox_links = models.BooleanField(
        _("offer sending from signers' own mailboxes"),
        default=False,
        help_text=_(
            "After signing, signers may also send the letter from their own email, with buttons that open "
            "it ready to send in their mail app, Gmail, Outlook.com or Yahoo. The target then sees their "
            "email address, so this is offered only when signers are not at risk. These letters are "
            "counted apart, never as letters sent."
        ),
    )
    # Targets' addresses stay private unless the organiser chooses: the public API lists names and
    # titles only (petitions/api/).
    publish_target_addresses = models.BooleanField(
        _("publish the targets' email addresses"),
        default=False,
        help_text=_(
            "The public API lists each target's name and title. Tick this to list their email "
            "addresses too, for people who want to write to them themselves."
        ),
    )
    bcc_email = models.EmailField(
        _("blind copy to"), blank=True, help_text=_("A blind copy of every letter goes here (optional).")
    )
    offer_signer_copy = models.BooleanField(
        _("offer signers a copy"), default=False, help_text=_("Signers may ask for a copy of their letter.")
    )
    share_with_partners = models.BooleanField(
        _("share signers with partners"),
        default=False,
        help_text=_(
            "Partners with an organisation here may export the confirmed signers who came through their "
            "link and agreed to be contacted."
        ),
    )
    daily_summary = models.BooleanField(
        _("daily summary"),
        default=False,
        help_text=_("Email the organisers a summary every morning: signatures, letters sent, failures."),
    )
    # The highest share of the goal (25, 50, 75, 100) the organisers were told about.
    milestone_notified = models.PositiveSmallIntegerField(_("last milestone announced"), default=0, editable=False)
    # Abuse defences (petitions/abuse/): a signature that trips one is held for review, silently.
    abuse_honeypot = models.BooleanField(
        _("honeypot"), default=True, help_text=_("Hold signatures that fill in a field hidden from people.")
    )
    abuse_min_fill_seconds = models.PositiveSmallIntegerField(
        _("minimum fill time (seconds)"),
        default=3,
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
        help_text=_(
            "Hold signatures sent faster than this after the page was shown, or without a valid page stamp; empty: off."
        ),
    )
    abuse_captcha = models.BooleanField(
        _("proof-of-work captcha"),
        default=False,
        help_text=_("The browser solves a small self-hosted puzzle (ALTCHA) before sending; without it, held."),
    )
    abuse_ip_hourly_limit = models.PositiveIntegerField(
        _("signatures per IP address and hour"),
        default=100,
        null=True,
        blank=True,
        help_text=_(
            "Past this, signatures from one address are held unless they solved the captcha (mobile carriers "
            "share addresses, so this is a soft signal); empty: no limit."
        ),
    )
    abuse_email_daily_limit = models.PositiveIntegerField(
        _("attempts per email address and day"),
        default=10,
        null=True,
        blank=True,
        help_text=_("Signing attempts with one address on this site in a day, past which they are held."),
    )
    abuse_domain_hourly_limit = models.PositiveIntegerField(
        _("signatures per email domain and hour"),
        default=300,
        null=True,
        blank=True,
        help_text=_("Past this, signatures from one email domain are held (large webmail providers are exempt)."),
    )
    abuse_block_disposable = models.BooleanField(
        _("hold disposable addresses"), default=True, help_text=_("Hold signatures from throw-away email services.")
    )
    # A rehearsal: the draft's page takes signatures and every letter goes to this address instead
    # of the target's, marked [Test]; ending it removes what it made (campaigns/services.py).
    rehearsal_to = models.EmailField(
        _("rehearsal: letters go to"),
        blank=True,
        editable=False,
        help_text=_("While set, the campaign is in rehearsal and every letter goes to this address."),
    )
    rehearsal_started_at = models.DateTimeField(_("rehearsal started"), null=True, blank=True, editable=False)
    # Set when the status first becomes closed; signer data is anonymised a while after that
    # (or after ends_at), see petitions/privacy/retention.py.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    signer_data_anonymised_at = models.DateTimeField(_("signer data erased"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="campaign_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.status == CampaignStatus.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != CampaignStatus.CLOSED:
            self.closed_at = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "closed_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The campaign must end after it starts.")})

    @property
    def offers_own_mailbox(self) -> bool:
        """The own-mailbox buttons are on: the organiser's switch, and only where signing puts no one at risk."""
        return self.own_mailbox_links and not self.signers_at_risk

    @property
    def in_rehearsal(self) -> bool:
        return bool(self.rehearsal_to)

    def phase(self, now=None) -> CampaignPhase:
        now = now or timezone.now()
        if self.status == CampaignStatus.DRAFT:
            # A draft in rehearsal is open to whoever has its link, to be tried end to end.
            return CampaignPhase.OPEN if self.in_rehearsal else CampaignPhase.DRAFT
        if self.status == CampaignStatus.CLOSED or (self.ends_at and now >= self.ends_at):
            return CampaignPhase.CLOSED
        if self.status == CampaignStatus.PAUSED:
            return CampaignPhase.PAUSED
        if self.starts_at and now < self.starts_at:
            return CampaignPhase.NOT_YET_OPEN
        return CampaignPhase.OPEN

    def is_open(self, now=None) -> bool:
        return self.phase(now) == CampaignPhase.OPEN


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The zones this machine knows: read once (listing them walks the zone files, ~20 ms)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("%(value)s is not a known time zone (e.g. Asia/Baku)."), params={"value": value})


class Target(models.Model):
    """Someone the letters go to. Deactivated targets receive nothing new."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Role, e.g. 'Head of Administration'.")
    )
    email = models.EmailField(
        _("email address"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Language of the letter; empty for the campaign's default."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    # Read only when the campaign routes by country (campaigns/routing.py).
    countries = CountryField(
        _("for signers in"),
        multiple=True,
        blank=True,
        help_text=_("When letters go by the signer's country: signers in these countries write to this target."),
    )
    postcodes = models.TextField(
        _("for postcodes or regions"),
        blank=True,
        help_text=_(
            "When letters go by postcode: the beginnings of the postcodes (or the region names) whose "
            "signers write to this target, one per line or separated by spaces, e.g. 10 11 for Berlin."
        ),
    )
    is_default = models.BooleanField(
        _("default target"),
        default=False,
        help_text=_("When letters go by country or by choice: signers whom no other target fits write to this one."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive targets receive nothing; pending letters are cancelled.")
    )
    # Pacing: real government mailboxes stop accepting a sender's mail at about 3,600 messages an
    # hour and then drop it for a day, so the default stays far below that.
    hourly_cap = models.PositiveIntegerField(
        _("letters an hour at most"),
        default=60,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3000)],
        help_text=_("At most this many letters an hour, spread evenly; empty for no limit (not advised)."),
    )
    window_start = models.TimeField(
        _("send from"),
        null=True,
        blank=True,
        help_text=_("Send only from this time of day, in the target's time zone."),
    )
    window_end = models.TimeField(_("send until"), null=True, blank=True, help_text=_("... until this time of day."))
    weekdays_only = models.BooleanField(_("weekdays only"), default=False, help_text=_("Send Monday to Friday only."))
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        choices=days_off.country_choices,
        help_text=_("No letters go on this country's public holidays, in the target's time zone."),
    )
    holiday_subdivision = models.CharField(
        _("state or region"),
        max_length=40,
        blank=True,
        help_text=_("Optional: also skip the holidays of one state or region, e.g. CA for California."),
    )
    # A list of ISO dates ("2026-12-31"), edited as a list of date fields (campaigns/admin.py).
    skip_dates = models.JSONField(
        _("your own dates to skip"),
        default=list,
        blank=True,
        help_text=_("Days on which no letters go, on top of the public holidays."),
    )
    sending_paused = models.BooleanField(
        _("sending paused"), default=False, help_text=_("Letters to this target wait while paused.")
    )
    # The earliest moment the next letter may go: each send pushes it by 3600 / hourly_cap seconds.
    next_send_at = models.DateTimeField(_("next letter due"), null=True, blank=True, editable=False)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True, editable=False)
    bounce_reason = models.TextField(_("why it bounced"), blank=True, editable=False)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="target_email_unique_per_campaign"),
        ]

    def __str__(self) -> str:
        # "Name, Title": a title with brackets of its own ("Ministry (Justice)") must not nest them.
        return f"{self.name}, {self.title}" if self.title else self.name

    @cached_property
    def names_by_language(self) -> dict[str, "TargetName"]:
        """The target's TargetName rows by language (prefetched with the target where pages need them)."""
        return {row.language: row for row in self.names.all()}

    def name_in(self, language: str) -> str:
        """The name as letters and pages in `language` give it; the target's own name if none is given."""
        row = self.names_by_language.get(language)
        return row.name if row and row.name else self.name

    def title_in(self, language: str) -> str:
        row = self.names_by_language.get(language)
        return row.title if row and row.title else self.title

    def label_in(self, language: str) -> str:
        """ "Name, Title" in `language`, for the lists of targets on public pages."""
        name, title = self.name_in(language), self.title_in(language)
        return f"{name}, {title}" if title else name

    def clean(self) -> None:
        if (self.window_start is None) != (self.window_end is None):
            raise ValidationError({"window_end": _("Give both ends of the sending window, or neither.")})
        if self.window_start is not None and self.window_start == self.window_end:
            raise ValidationError({"window_end": _("The sending window must not be empty.")})
        if not isinstance(self.skip_dates, list):
            raise ValidationError({"skip_dates": _("Give the dates to skip as a list of dates.")})
        for value in self.skip_dates:
            try:
                date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(
                    {"skip_dates": _("%(value)s is not a date like 2026-12-31.") % {"value": value}}
                ) from None
        try:
            self.holiday_subdivision = days_off.clean_subdivision(self.holiday_country, self.holiday_subdivision)
        except ValidationError as exc:
            raise ValidationError({"holiday_subdivision": exc}) from None


class TargetName(models.Model):
    """A target's name and title in one language: a Russian letter greets the target in Russian.

    Letters and pages in a language without a row use the target's own name and title."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="names")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("name in another language")
        verbose_name_plural = _("names in other languages")
        ordering = ["target", "language"]
        constraints = [
            models.UniqueConstraint(fields=["target", "language"], name="one_target_name_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.title} [{self.language}]" if self.title else f"{self.name} [{self.language}]"


class MessageTemplate(models.Model):
    """The public page and the letter in one language; placeholders are checked on every save."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="templates"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    page_title = models.CharField(_("page title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    story = models.TextField(_("story"), help_text=_("Shown on the campaign page. Blank lines separate paragraphs."))
    letter_subject = models.CharField(_("letter subject"), max_length=250)
    letter_body = models.TextField(
        _("letter text"),
        help_text=_("Plain text. Placeholders such as {signer_name} or {signer_signoff} are filled per signer."),
    )
    # Variants (petitions/mail/variants.py draws one per letter, evenly): letters that read alike
    # to a target's mail filter and staff look like a campaign; several wordings look like people.
    subject_alternatives = models.TextField(
        _("other subject lines"),
        blank=True,
        help_text=_("Optional: more subject lines, one per line. Each letter gets one of them or the subject above."),
    )
    body_alternatives = models.TextField(
        _("other letter texts"),
        blank=True,
        help_text=_(
            "Optional: more versions of the letter, separated by a line with three dashes (---). Each "
            "letter gets one of them or the text above, evenly."
        ),
    )
    # The main language's text when this version was last written (campaigns/translations.py).
    translated_from = models.JSONField(_("translated from"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("language version")
        verbose_name_plural = _("language versions: page and letter")
        ordering = ["campaign", "language"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="one_template_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.page_title} [{self.language}]"

    def save(self, *args, **kwargs) -> None:
        # Not only the admin form: a shell or a command must not store a letter that cannot render.
        self.clean()
        super().save(*args, **kwargs)

    def subject_variants(self) -> list[str]:
        """The subject lines a letter may get: the main one first, then each other one."""
        others = [line.strip() for line in self.subject_alternatives.splitlines()]
        return [self.letter_subject, *filter(None, others)]

    def body_variants(self) -> list[str]:
        """The letter texts a letter may get: the main one first, then each other one."""
        others = [part.strip() for part in VARIANT_SEPARATOR.split(self.body_alternatives.replace("\r\n", "\n"))]
        return [self.letter_body, *filter(None, others)]

    def clean(self) -> None:
        errors = {}
        for field in ("letter_subject", "letter_body", "subject_alternatives", "body_alternatives"):
            try:
                validate_placeholders(getattr(self, field))
            except ValidationError as exc:
                errors[field] = exc
        if errors:
            raise ValidationError(errors)


class Partner(models.Model):
    """A coalition partner of a campaign: its own share link (`?ref=<code>`), name and logo.

    Signatures arriving through the link carry the code as their source, which is how each
    partner's own count is made.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=64,
        help_text=_(
            "The end of the partner's share link, /c/free-the-four/?ref=union for union: letters, digits and dashes."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation here"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_(
            "The partner's own organisation here, if it has one: when the campaign shares with partners, "
            "its members may export the consenting signers who came through this partner's link."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the public page."))

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="one_partner_code_per_campaign")]

    def __str__(self) -> str:
        return self.name


class Endorser(models.Model):
    """An organisation that signs on to a campaign as a whole: its name and logo on the public page.

    Unlike a partner it has no share link and no signers of its own; it lends its name.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="endorsers"
    )
    name = models.CharField(_("name"), max_length=200)
    logo = models.ImageField(_("logo"), upload_to="endorsers/", blank=True)
    website = models.URLField(_("website"), blank=True)
    statement = models.CharField(
        _("statement"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a sentence from the organisation, shown under its name."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the public page."))

    class Meta:
        verbose_name = _("endorsing organisation")
        verbose_name_plural = _("endorsing organisations")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
