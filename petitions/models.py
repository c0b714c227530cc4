"""What the public produces: signatures, the letters sent for them, and the counters.

Write-heavy tables holding personal data. Database constraints decide duplicates; the services of
signing/, delivery/, abuse/ and privacy/ make the writes, each its own kind.
"""

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from campaigns.models import Campaign, Organisation, Target
from petitions.core.encryption import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from petitions.core.hashing import email_hash, name_token, name_words
from petitions.core.private_files import private_storage
from petitions.core.text import normalise_rule_value
from petitions.enums import (
    BlockRuleKind,
    DeliveryStatus,
    DossierState,
    PaperBatchKind,
    SignatureStatus,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookFormat,
)


class SignatureQuerySet(models.QuerySet):
    """Names and addresses are encrypted at rest, so they are found through their keyed hashes."""

    def with_email(self, email: str) -> "SignatureQuerySet":
        return self.filter(email_hash=email_hash(email))

    def named(self, text: str) -> "SignatureQuerySet":
        """Signatures whose first or last name has every word of `text` (case and accents aside)."""
        words = name_words(text)
        matches = self.none() if not words else self
        for word in words:
            matches = matches.filter(name_index__contains=f" {name_token(word)} ")
        return matches


class Signature(models.Model):
    """One signer of one campaign: online through the form, or on paper, imported by an organiser.

    Paper signers are rows of this table (status "paper", with the import they came in), not of a
    table of their own: their names and addresses then have exactly the protections of online
    signers' (encryption at rest, the keyed hash that finds a repeat, retention and erasure, the
    export and its audit log), with no second copy of that code to keep in step.
    """

    # Every index costs each signing an update: the campaign's own index is covered by the composite
    # ones below, which start with the campaign.
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="signatures", db_index=False
    )
    # Personal data is encrypted at rest (encryption.py); lookups go through the keyed hashes.
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=100)
    # Keyed tokens of the name's words: how an organiser finds a signer by name (privacy.name_index).
    name_index = models.TextField(_("name tokens"), blank=True, editable=False)
    email = EncryptedEmailField(_("email"), max_length=254)
    # Keyed HMAC of the normalised email: decides "already signed" without comparing raw addresses.
    email_hash = models.CharField(_("email hash"), max_length=64, editable=False)
    country = CountryField(_("country"))
    city = EncryptedCharField(_("city"), max_length=100, blank=True)
    # Asked only where letters go by postcode (campaigns/routing.py): whom the signer writes to.
    postcode = EncryptedCharField(_("postcode or region"), max_length=40, blank=True)
    organisation = EncryptedCharField(_("organisation or union"), max_length=200, blank=True)
    message = EncryptedTextField(_("personal message"), max_length=2000, blank=True)
    # The targets the signer ticked, where the campaign lets signers choose (campaigns/routing.py).
    chosen_targets = models.JSONField(_("chosen targets"), default=list, blank=True, editable=False)
    # The signer's own words where the campaign asks for them (Campaign.signer_voice): an edited
    # subject and letter, placeholders kept as {name}, or a paragraph that opens the letter.
    own_subject = EncryptedCharField(_("own subject"), max_length=200, blank=True)
    own_body = EncryptedTextField(_("own letter"), max_length=5000, blank=True)
    own_paragraph = EncryptedTextField(_("own paragraph"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    # Switched on from the private receipt page: replies to this signer's letters are emailed to them.
    forward_replies = models.BooleanField(_("send me replies"), default=False)
    consent_text = models.CharField(
        _("consent wording"), max_length=500, blank=True, help_text=_("The wording the signer agreed to.")
    )
    show_name_publicly = models.BooleanField(_("show my first name publicly"), default=False)
    # Honoured only where the campaign's signers are not at risk (petitions/privacy/dossier.py).
    show_full_name_in_handover = models.BooleanField(
        _("name me in full in the list handed to the target"), default=False
    )
    wants_copy = models.BooleanField(_("send me a copy of my letter"), default=False)
    wants_receipt = models.BooleanField(_("email me a private link to follow my letters"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SignatureStatus.choices, default=SignatureStatus.CONFIRMED
    )
    source = models.CharField(_("partner code"), max_length=64, blank=True, help_text=_("Partner or referrer code."))
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True, editable=False)
    # Why the abuse defences held it (petitions/abuse/), e.g. "honeypot too_fast"; empty if none did.
    hold_reasons = models.CharField(_("why held"), max_length=200, blank=True, editable=False)
    # When the retention period cleared the signer's personal data (petitions/privacy/retention.py).
    anonymised_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # The signer asked for erasure (data_requests.py); set until it is done.
    erasure_requested_at = models.DateTimeField(_("erasure asked for"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Double opt-in (signing/confirmations.py): when a worker was done with the confirmation email
    # (sent, or skipped for the address's daily cap), and when the sweeper last asked for it again
    # because its message was lost. Both empty while the email is owed.
    confirmation_mailed_at = models.DateTimeField(_("confirmation mailed"), null=True, blank=True, editable=False)
    confirmation_swept_at = models.DateTimeField(_("confirmation checked again"), null=True, blank=True, editable=False)
    # The import a paper signer came in (status "paper"); empty for every online signature. Deleting
    # the import deletes its signers.
    paper_batch = models.ForeignKey(
        "PaperBatch",
        verbose_name=_("paper import"),
        on_delete=models.CASCADE,
        related_name="signers",
        null=True,
        blank=True,
        editable=False,
        db_index=False,
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = pgettext_lazy("the list of signatures in the admin", "signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_hash"], name="one_signature_per_email"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="signature_campaign_status"),
            # The public "recently signed" list; partial, so only signers who chose to be shown
            # cost an index entry, and the read stays a few rows whatever the campaign's size.
            models.Index(
                fields=["campaign", "-created_at"],
                condition=models.Q(show_name_publicly=True, status=SignatureStatus.CONFIRMED),
                name="signature_recent_public",
            ),
            # The confirmation sweeper's rows: partial, so it holds only the few signatures whose
            # email is still owed, and the sweep stays cheap whatever the table's size.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status=SignatureStatus.PENDING, confirmation_mailed_at__isnull=True),
                name="signature_confirmation_owed",
            ),
            # An import's signers (deleting it); partial, so an online signing pays nothing.
            models.Index(
                fields=["paper_batch"], condition=models.Q(paper_batch__isnull=False), name="signature_paper_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"Signature #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def on_paper(self) -> bool:
        return self.status == SignatureStatus.PAPER


def scan_path(batch: "PaperBatch", filename: str) -> str:
    """A name nobody can guess, and none of the uploaded file's (it may be a signer's name)."""
    return f"paper-scans/{batch.campaign_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class PaperBatch(models.Model):
    """Signatures an organiser collected on paper: a count (who, when, how many, where, with an
    optional scan of the sheets), or the signers of an imported file (petitions/paper/).

    Both are counted on paper (CounterShard.paper), never online, and no letter is sent for them.
    Rows are not edited: a wrong count is deleted (Django's admin asks, and its log keeps who did
    it) and added again.
    """

    Kind = PaperBatchKind

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="paper_batches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNT, editable=False)
    signatures = models.PositiveIntegerField(
        _("signatures"), validators=[MinValueValidator(1)], help_text=_("How many people signed on these sheets.")
    )
    source = models.CharField(
        _("where they were collected"),
        max_length=200,
        help_text=_("For example: dockers' meeting in Baku, 12 March."),
    )
    collected_on = models.DateField(_("collected on"))
    scan = models.FileField(
        _("scan of the sheets"),
        upload_to=scan_path,
        storage=private_storage,
        blank=True,
        max_length=200,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS)],
        help_text=_(
            "Optional: a PDF, JPG or PNG. Only this campaign's organisers can open it, and it is deleted "
            "with the signers' data at the end of the retention period."
        ),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    # An import's preview, by digest (paper/imports.py): the same preview sent twice saves once.
    import_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper signatures")
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["import_digest"], condition=~models.Q(import_digest=""), name="one_paper_import_per_preview"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signatures} on paper, {self.collected_on:%Y-%m-%d}: {self.source}"

    def clean(self) -> None:
        if self.collected_on and self.collected_on > timezone.localdate():
            raise ValidationError({"collected_on": _("This date is in the future.")})

    def delete_scan(self) -> None:
        """Remove the scan's file and forget it (deletion, retention: it may show names)."""
        if self.scan:
            self.scan.delete(save=False)
            PaperBatch.objects.filter(pk=self.pk).update(scan="")


class BlockRule(models.Model):
    """An address, a whole email domain or a network whose signatures are held (petitions/abuse/lists.py)."""

    Kind = BlockRuleKind

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Stored normalised: an email as normalise_email() spells it, a domain in IDNA lower case, a network
    # in CIDR form. An IP rule is checked against the request's address, which is never stored.
    value = models.CharField(_("value"), max_length=254)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Why, for the next organiser who looks.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("block rule")
        verbose_name_plural = _("block rules")
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_block_rule_per_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        try:
            self.value = normalise_rule_value(self.kind, self.value)
        except ValueError as exc:
            raise ValidationError({"value": str(exc)}) from None


class Delivery(models.Model):
    """One letter to one target, with the exact text that was (or will be) sent.

    Usually one signer's letter. In digest mode (petitions/delivery/digests.py) each signer's row waits as
    "batched" until a digest letter, a row with no signature, names them; the row then points at
    it, and the digest is what is sent, paced, tracked and counted.
    """

    # Covered by the composite index and constraint below (fewer index updates per signing).
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    signature = models.ForeignKey(
        Signature,
        verbose_name=_("signature"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
        null=True,
        blank=True,
    )
    digest = models.ForeignKey(
        "self",
        verbose_name=_("digest"),
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
        db_index=False,
    )
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    # The letter as sent names its signer (or a digest's signers): encrypted at rest too.
    subject = EncryptedCharField(max_length=250, blank=True)
    body = EncryptedTextField(blank=True)
    # Which of the template's subject lines and texts the letter got (petitions/mail/variants.py),
    # counting from 0, the main one; empty for a letter in the signer's own words or not yet written.
    subject_variant = models.PositiveSmallIntegerField(_("subject line"), null=True, blank=True)
    body_variant = models.PositiveSmallIntegerField(_("letter text"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a message for this row was last put on the broker; the sweeper re-enqueues rows whose
    # message has had time to run and evidently got lost.
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True)
    # The process that claimed it last (host:pid:start), so a sweeper on that host can release the
    # lease of a process that was killed (petitions/delivery/leases.py).
    leased_by = models.CharField(_("worker"), max_length=100, blank=True, default="")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(
        _("message id"), max_length=255, blank=True, help_text=_("The provider's message id.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    # A letter of a rehearsal goes here, never to the target, whenever it is sent (mail/letters.py).
    rehearsal_to = models.EmailField(
        _("rehearsal: sent to"), blank=True, default="", help_text=_("A test letter, sent to this address instead.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["signature", "target"], name="one_letter_per_signature_and_target"),
        ]
        # Each index here is chosen for one reader; the partial ones cost a signing nothing
        # (a new letter is queued, unsent and unleased).
        indexes = [
            models.Index(fields=["campaign", "status"], name="delivery_campaign_status"),
            models.Index(fields=["target", "status"], name="delivery_target_status"),
            # The dispatcher and the sweeper: a target's due letters, oldest first.
            models.Index(
                fields=["target", "next_attempt_at"],
                condition=models.Q(status=DeliveryStatus.QUEUED),
                name="delivery_target_queued_due",
            ),
            # The sweeper: leases of workers that died mid-send.
            models.Index(
                fields=["lease_expires_at"],
                condition=models.Q(status=DeliveryStatus.SENDING),
                name="delivery_sending_lease",
            ),
            # The hourly cap: letters that left for a target in the past hour.
            models.Index(
                fields=["target", "sent_at"], condition=models.Q(sent_at__isnull=False), name="delivery_target_sent"
            ),
            # A digest's entries (receipts, the admin); new letters have none, so signing pays nothing.
            models.Index(fields=["digest"], condition=models.Q(digest__isnull=False), name="delivery_digest_entries"),
            # The digest composer: a target's letters waiting for their digest, oldest first.
            models.Index(
                fields=["target", "created_at"],
                condition=models.Q(status=DeliveryStatus.BATCHED),
                name="delivery_target_batched",
            ),
            # Tracking webhooks find a letter by the provider's message id.
            models.Index(fields=["message_id"], condition=~models.Q(message_id=""), name="delivery_message_id"),
        ]

    def __str__(self) -> str:
        return f"Digest #{self.pk}" if self.is_digest else f"Letter #{self.pk}"

    @property
    def is_digest(self) -> bool:
        """A digest names many signers and has no signature of its own (an unsaved sample signer,
        as in a test letter, still counts as one)."""
        if self.signature_id is not None:
            return False
        return not Delivery.signature.is_cached(self) or self.signature is None


class CounterShard(models.Model):
    """One of COUNTER_SHARDS rows per campaign whose sums are the public counts (online, on paper,
    letters sent).

    Each signing transaction adds to one random shard, so concurrent signers rarely wait on the same
    row lock; reading sums a fixed number of rows, whatever the number of signatures.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="counter_shards"
    )
    shard = models.PositiveSmallIntegerField(
        _("part"),
    )
    signatures = models.BigIntegerField(_("signatures"), default=0)
    emails_sent = models.BigIntegerField(_("letters sent"), default=0)
    # Signatures collected on paper (PaperBatch); a default in the database too, so that the signing
    # statement (signing/storage.py), which never adds to it, need not name it.
    paper = models.BigIntegerField(_("on paper"), default=0, db_default=0)
    # Letters signers sent from their own mailboxes, counted on the click (petitions/abuse/own_mail.py):
    # no row stands behind them, so the recount leaves this column as it is.
    own_mail = models.BigIntegerField(_("sent from own mailboxes"), default=0, db_default=0)

    class Meta:
        verbose_name = _("counter part")
        verbose_name_plural = _("counter parts")
        constraints = [models.UniqueConstraint(fields=["campaign", "shard"], name="one_row_per_counter_shard")]

    def __str__(self) -> str:
        return f"Counter shard {self.shard} of campaign {self.campaign_id}"


class TrackingEvent(models.Model):
    """What an email provider reported about a letter, stored once (petitions/tracking/events.py).

    The unique constraints make a redelivered webhook a no-op: by the provider's event id where it
    gives one, else by (letter, event type, time). No recipient address and no signer data: the
    delivery already says who the letter went to.
    """

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="tracking_events"
    )
    provider = models.CharField(_("provider"), max_length=30)
    event_type = models.CharField(_("event"), max_length=20)
    event_id = models.CharField(
        _("event id"), max_length=255, blank=True, help_text=_("The provider's event id, if it gives one.")
    )
    occurred_at = models.DateTimeField(
        _("happened"), help_text=_("When the provider says it happened (else when we heard of it).")
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    reject_reason = models.CharField(_("reason refused"), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    mta_response = models.CharField(_("mail server's answer"), max_length=1000, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=200, blank=True, help_text=_("What the event changed, if anything.")
    )

    class Meta:
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "provider", "event_id"],
                condition=~models.Q(event_id=""),
                name="one_tracking_event_per_provider_event",
            ),
            models.UniqueConstraint(
                fields=["delivery", "event_type", "occurred_at"],
                condition=models.Q(event_id=""),
                name="one_tracking_event_per_type_and_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} for letter #{self.delivery_id}"


class SignatureExport(models.Model):
    """The audit log of exports of signer data: who took which campaign's signers, when, how many."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="signature_exports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.ForeignKey(
        "campaigns.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when a partner exported the consenting signers of its own link."),
    )
    actor = models.CharField(_("who"), max_length=200, help_text=_("Who asked, as shown when the export ran."))
    via = models.CharField(_("how"), max_length=20, help_text=_("admin or command"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    completed = models.BooleanField(
        _("completed"), default=False, help_text=_("False: the download stopped before the end.")
    )

    class Meta:
        verbose_name = _("signature export")
        verbose_name_plural = _("signature exports")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Export #{self.pk} of {self.campaign}"


class SignerErasure(models.Model):
    """The audit log of erasures run by organisers (a signer who asked them by mail rather than
    through their own link): who erased how many of which campaign's signers, and when. Names no one."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="signer_erasures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.CharField(_("who"), max_length=200, help_text=_("Who erased, as shown when it ran."))
    erased_at = models.DateTimeField(_("when"), default=timezone.now)
    signatures = models.PositiveIntegerField(_("signatures erased"), default=0)
    waiting = models.PositiveIntegerField(
        _("waiting for a letter being sent"),
        default=0,
        help_text=_("Erased within the hour, once the letter being sent at that moment is done."),
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure #{self.pk} in {self.campaign}"


class SignerMailCount(models.Model):
    """How many emails Outcry sent one address today (receipts, confirmations, ...): the per-address
    daily cap that keeps the signing form from being used to mail-bomb someone (mailcaps.py).

    Keyed by the same keyed hash as Signature.email_hash: no address is stored here.
    """

    email_hash = models.CharField(_("email hash"), max_length=64)
    day = models.DateField(
        _("day"),
    )
    sent = models.PositiveIntegerField(_("sent"), default=0)

    class Meta:
        verbose_name = _("mails to one address in a day")
        verbose_name_plural = _("mails to one address in a day")
        constraints = [models.UniqueConstraint(fields=["email_hash", "day"], name="one_mail_count_per_address_and_day")]

    def __str__(self) -> str:
        return f"{self.sent} email(s) on {self.day}"


class Response(models.Model):
    """A reply that came back to a letter's reply address (petitions/responses/intake.py).

    The reply usually quotes the letter, and the letter names its signer: sender, subject and text
    are encrypted at rest like the letter itself and never shown to the public. What the campaign
    page shows is `public_text`, written (or edited) by an organiser when they publish it.
    """

    # Kept when the letter goes (a signer's erasure removes their letters): the response then
    # belongs to the campaign and target alone.
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("letter"),
        on_delete=models.SET_NULL,
        related_name="responses",
        null=True,
        blank=True,
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="responses")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sender = EncryptedCharField(_("from"), max_length=320, blank=True)
    subject = EncryptedCharField(_("subject"), max_length=998, blank=True)
    text = EncryptedTextField(_("text"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # A keyed hash of the Message-ID (or of the message itself when it has none): the same message
    # delivered twice is stored once.
    dedupe_key = models.CharField(_("message key"), max_length=64, unique=True, editable=False)
    from_target = models.BooleanField(
        _("from the target"),
        default=False,
        help_text=_("Sent from the target's address or its domain. Otherwise anyone could have written it."),
    )
    automatic = models.BooleanField(
        _("automatic"), default=False, help_text=_("An auto-reply, such as an out-of-office message.")
    )
    # Set once the reply was emailed to the signers who asked for it (responses/forwarding.py): sent once.
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True, editable=False)
    public_text = models.TextField(_("public text"), blank=True)
    published_on = models.DateField(_("public date"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["campaign", "published_on"],
                condition=models.Q(published_on__isnull=False),
                name="response_published",
            )
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_on is not None and bool(self.public_text.strip())


class ReportBack(models.Model):
    """A published response emailed to the campaign's signers who agreed to be contacted, once.

    The row is the truth (petitions/responses/report_back.py): the worker that holds its lease
    walks the signers in id order and moves `next_signature_id` past each one it has emailed, so a
    worker that dies resumes after the last signer it reached, and at most that one signer's email
    can go twice.
    """

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="report_back"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    next_signature_id = models.BigIntegerField(_("next signer"), default=0, editable=False)
    sent = models.PositiveIntegerField(_("emails sent"), default=0)
    skipped = models.PositiveIntegerField(_("emails skipped"), default=0)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report-back")
        verbose_name_plural = _("report-backs")

    def __str__(self) -> str:
        return f"Report-back #{self.pk}"


class SendingDomainCheck(models.Model):
    """The last look at the sending domain's DNS (petitions/mail/domain_check.py), kept so the admin's
    first page can say what is missing without asking DNS on every view. One row, rewritten."""

    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    findings = models.JSONField(_("findings"), default=list)
    failed = models.BooleanField(_("something is missing"), default=False)

    class Meta:
        verbose_name = _("sending domain check")
        verbose_name_plural = _("sending domain checks")

    def __str__(self) -> str:
        return f"Sending domain check of {self.checked_at:%Y-%m-%d %H:%M}"


def new_webhook_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    """An organiser's receiver of events (petitions/webhooks/): a URL, the events it wants, and the
    secret the payloads are signed with. For one campaign, or every campaign of the organisation."""

    Format = WebhookFormat

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        null=True,
        blank=True,
        help_text=_("Leave empty to hear about every campaign of the organisation."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For you: where this goes, e.g. our CRM."))
    url = models.URLField(_("address (URL)"), max_length=500, help_text=_("Must start with https://."))
    events = models.JSONField(_("events"), default=list, blank=True)
    format = models.CharField(
        _("format"),
        max_length=10,
        choices=Format.choices,
        default=Format.OUTCRY,
        help_text=_(
            "Outcry JSON: every event you choose. OSDI: a person and their signature, as Action Network "
            "records them; only confirmed signers who agreed to be contacted."
        ),
    )
    # Encrypted at rest: whoever holds it can forge events to the organiser's tools.
    secret = EncryptedCharField(_("signing secret"), max_length=100, default=new_webhook_secret, editable=False)
    # Set when the admin has shown the secret in full, once; a new secret clears it.
    secret_shown_at = models.DateTimeField(null=True, blank=True, editable=False)
    osdi_api_token = EncryptedCharField(
        _("OSDI API key"),
        max_length=200,
        blank=True,
        help_text=_("Optional: sent as the OSDI-API-Token header, as Action Network asks for."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Events are collected from the rows (webhooks/collecting.py) from this moment on: an endpoint
    # hears about what happens after it was added, never about the past.
    collected_until = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return event == WebhookEvent.TEST or event in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint, with the exact body that is (re)sent. The row is the truth: the
    sender claims it with a lease, its retries live in next_attempt_at, and after
    WEBHOOK_MAX_ATTEMPTS it is dead until an organiser sends it again."""

    Status = WebhookDeliveryStatus

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    # What happened, e.g. "signature.confirmed:123": unique per endpoint, so an event is stored once.
    event_id = models.CharField(_("event id"), max_length=100)
    # The JSON as sent; encrypted, since a consenting signer's event names them.
    body = EncryptedTextField(blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="one_webhook_delivery_per_event"),
        ]
        indexes = [
            models.Index(fields=["endpoint", "created_at"], name="webhook_delivery_endpoint"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=WebhookDeliveryStatus.QUEUED),
                name="webhook_delivery_queued_due",
            ),
            models.Index(
                fields=["lease_expires_at"],
                condition=models.Q(status=WebhookDeliveryStatus.SENDING),
                name="webhook_delivery_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


def dossier_path(dossier: "Dossier", filename: str) -> str:
    """A name nobody can guess: the files list signers' first names."""
    return f"dossiers/{dossier.campaign_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Dossier(models.Model):
    """A delivery dossier for a hand-over: the campaign's text, its counts, the signers who chose to
    be shown and the letters' log, as a PDF and a CSV built by a worker (petitions/privacy/dossier.py).

    The row is the truth: the worker moves `done` towards `total` as it goes, and the admin's page
    shows that progress. The files are private (no public URL) and go with the signers' data at the
    end of the retention period.
    """

    State = DossierState

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="dossiers"
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        related_name="dossiers",
        null=True,
        blank=True,
        help_text=_("Empty: every target of the campaign."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    include_message_ids = models.BooleanField(
        _("list each letter's message id"),
        default=False,
        help_text=_("For a target's mail administrators, who can find each letter in their system by it."),
    )
    state = models.CharField(_("state"), max_length=10, choices=DossierState.choices, default=DossierState.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), default=0)
    # How many signers it lists by first name: the rows of each download's line in the export log.
    signers = models.PositiveIntegerField(_("signers listed"), default=0)
    pdf = models.FileField(_("PDF"), upload_to=dossier_path, storage=private_storage, blank=True, max_length=200)
    csv = models.FileField(_("CSV"), upload_to=dossier_path, storage=private_storage, blank=True, max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    # The last sign of life: asked for, rung again, claimed, or a chunk done. A dossier queued or
    # building without one for a while lost its message or its worker (privacy/dossier.py, ring_again).
    moved_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery dossier")
        verbose_name_plural = _("delivery dossiers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Dossier #{self.pk} of {self.campaign}"

    @property
    def percent(self) -> int:
        if self.state == DossierState.READY:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    def delete_files(self) -> None:
        """Remove both files and forget them (retention, deletion: they list signers)."""
        for file in (self.pdf, self.csv):
            if file:
                file.delete(save=False)
        Dossier.objects.filter(pk=self.pk).update(pdf="", csv="")
