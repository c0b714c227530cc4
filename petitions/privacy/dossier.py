"""The delivery dossier handed over with the letters (at an embassy, to the press): the campaign's
text, its counts by country and by partner, the signers who chose to be shown, and each target's
letters by day, as a PDF and a CSV.

What it shows of signers is what they agreed to: the first name and country of counted signers who
ticked "show my first name publicly", and their last name too only if they also ticked "name me in
full in the list handed to the target", which counts only while the campaign's signers are not at
risk. Never an address or a message. In a campaign whose signers may be at risk, a country with
fewer than AT_RISK_MIN_SIGNERS signers is never named, in the counts or beside a name. Message ids
appear only when asked for.

A worker builds it (petitions.build_dossier), moving the row's `done` towards `total` a chunk at a
time, so the admin's page can show how far it is.
"""

import csv
import io
import logging
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries.fields import Country

from campaigns.models import Campaign, Target
from campaigns.selectors import letter_preview, template_for
from outcry.csvcells import BOM, neutralise
from petitions.core.doorbell import publish_ids
from petitions.enums import SENT_STATUSES, DeliveryStatus, DossierState, SignatureStatus
from petitions.models import Delivery, Dossier, PaperBatch, Signature, SignatureExport
from petitions.reporting.countries import AT_RISK_MIN_SIGNERS, COUNTED_STATUSES

logger = logging.getLogger(__name__)

CHUNK = 500
TASK = "petitions.build_dossier"


def request_dossier(
    *, campaign: Campaign, target: Target | None, language: str, include_message_ids: bool, user
) -> Dossier:
    """A new dossier row, and its id to a worker once committed. If the broker does not answer,
    the row waits: the admin's page rings again (ring_again)."""
    dossier = Dossier.objects.create(
        campaign=campaign,
        target=target,
        language=language,
        include_message_ids=include_message_ids,
        requested_by=user,
    )
    transaction.on_commit(lambda: ring(dossier))
    return dossier


def ring(dossier: Dossier) -> None:
    try:
        publish_ids(TASK, [dossier.pk])
    except Exception as exc:  # noqa: BLE001 - the row waits; the page rings again
        logger.warning("Dossier %s not enqueued (%s); asked again from its page", dossier.pk, type(exc).__name__)


RING_AGAIN_SECONDS = 60  # queued this long: its message was lost (the broker was down)
STALLED_SECONDS = 900  # building with no chunk done this long: its worker died


def ring_again(dossier: Dossier) -> bool:
    """A dossier whose message or worker was lost, seen from its page: queued and rung again. The
    conditional update lets one of several open pages do it."""
    now = timezone.now()
    quiet = (now - dossier.moved_at).total_seconds()
    lost = (dossier.state == DossierState.QUEUED and quiet >= RING_AGAIN_SECONDS) or (
        dossier.state == DossierState.BUILDING and quiet >= STALLED_SECONDS
    )
    if not lost:
        return False
    moved = Dossier.objects.filter(pk=dossier.pk, state=dossier.state, moved_at=dossier.moved_at).update(
        state=DossierState.QUEUED, moved_at=now
    )
    if moved:
        ring(dossier)
    return bool(moved)


@dataclass
class TargetLog:
    """One target's letters: sent and delivered per day (in the target's time zone), first and last."""

    target: Target
    name: str
    days: dict[date, list[int]] = field(default_factory=dict)  # day: [sent, delivered]
    first: datetime | None = None
    last: datetime | None = None
    message_ids: list[tuple[datetime, str, str]] = field(default_factory=list)  # sent at, status, id

    @property
    def sent(self) -> int:
        return sum(day[0] for day in self.days.values())

    @property
    def delivered(self) -> int:
        return sum(day[1] for day in self.days.values())

    @property
    def by_day(self) -> list[tuple[date, int, int]]:
        return [(day, sent, delivered) for day, (sent, delivered) in sorted(self.days.items())]


@dataclass
class Content:
    campaign: Campaign
    language: str
    title: str
    summary: str
    story: str
    letter_subject: str
    letter_body: str
    online: int
    paper: int
    countries: list[tuple[str, int]]
    other_countries: int
    partners: list[tuple[str, int]]
    signers: list[tuple[str, str]]  # first name (or full name, by consent), country (or "other countries")
    full_names: bool  # some signer is named in full
    logs: list[TargetLog]
    include_message_ids: bool
    at_risk: bool
    made_at: datetime


def build_dossier(dossier_id: int) -> str:
    """Claim a queued dossier and build it; the state it ends in. A dossier already taken is left."""
    claimed = Dossier.objects.filter(pk=dossier_id, state=DossierState.QUEUED)
    if not claimed.update(state=DossierState.BUILDING, moved_at=timezone.now()):
        return "skipped"
    dossier = Dossier.objects.select_related("campaign", "target").get(pk=dossier_id)
    try:
        with translation.override(dossier.language):
            content = collect(dossier)
            pdf, csv_text = render_pdf(content), render_csv(content)
        stem = f"dossier-{dossier.campaign.slug}-{timezone.localdate():%Y-%m-%d}"
        dossier.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        dossier.csv.save(f"{stem}.csv", ContentFile(csv_text.encode()), save=False)
    except Exception:
        logger.exception("Dossier %s failed", dossier_id)
        Dossier.objects.filter(pk=dossier_id).update(state=DossierState.FAILED, finished_at=timezone.now())
        raise
    Dossier.objects.filter(pk=dossier_id).update(
        signers=len(content.signers),
        state=DossierState.READY,
        pdf=dossier.pdf.name,
        csv=dossier.csv.name,
        done=dossier.total,
        finished_at=timezone.now(),
    )
    return DossierState.READY


def record_download(dossier: Dossier, user) -> None:
    """Each download in the export log, as every export of signer data is: who, when, how many."""
    now = timezone.now()
    SignatureExport.objects.create(
        campaign=dossier.campaign,
        user=user,
        actor=user.get_username(),
        via="dossier",
        started_at=now,
        finished_at=now,
        rows=dossier.signers,
        completed=True,
    )


def shown_signers(campaign: Campaign):
    """Counted signers who chose to be shown, whose data is still there."""
    return Signature.objects.filter(
        campaign=campaign, status__in=COUNTED_STATUSES, show_name_publicly=True, anonymised_at__isnull=True
    )


def sent_letters(dossier: Dossier):
    """Letters that left for the dossier's target(s), rehearsals aside (a digest counts once)."""
    letters = Delivery.objects.filter(
        campaign=dossier.campaign, rehearsal_to="", sent_at__isnull=False, status__in=SENT_STATUSES
    )
    return letters.filter(target=dossier.target) if dossier.target_id else letters


def collect(dossier: Dossier) -> Content:
    """Everything the dossier says, read in chunks; `done` moves after each."""
    campaign = dossier.campaign
    signers_query = shown_signers(campaign)
    letters_query = sent_letters(dossier)
    total = signers_query.count() + letters_query.count() + 1
    Dossier.objects.filter(pk=dossier.pk).update(total=total, done=0)
    dossier.total, done = total, 0

    by_country = dict(
        Signature.objects.filter(campaign=campaign, status__in=COUNTED_STATUSES)
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    minimum = AT_RISK_MIN_SIGNERS if campaign.signers_at_risk else 1
    named = {code for code, n in by_country.items() if n >= minimum}
    countries = sorted(
        ((str(Country(code).name), n) for code, n in by_country.items() if code in named),
        key=lambda row: (-row[1], row[0]),
    )
    other_countries = sum(n for code, n in by_country.items() if code not in named)

    sources = Counter(
        dict(
            Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED)
            .values_list("source")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    partners = [
        (partner.name, sources.pop(partner.code, 0)) for partner in campaign.partners.order_by("position", "name")
    ]
    if campaign.partners.exists():
        partners.append((_("No partner link"), sum(sources.values())))

    signers: list[tuple[str, str]] = []
    full_names = False
    last_id = 0
    columns = ("pk", "first_name", "last_name", "country", "show_full_name_in_handover")
    while True:
        chunk = list(signers_query.filter(pk__gt=last_id).order_by("pk").values_list(*columns)[:CHUNK])
        for _pk, first_name, last_name, code, in_full in chunk:
            country = str(Country(code).name) if code in named else _("Other countries")
            # The flag is read only where nobody is at risk: a campaign switched to "at risk"
            # after signing hands over first names alone.
            in_full = in_full and not campaign.signers_at_risk and bool(last_name)
            full_names = full_names or in_full
            signers.append((f"{first_name} {last_name}" if in_full else first_name, country))
        done = _advance(dossier, done, len(chunk))
        if len(chunk) < CHUNK:
            break
        last_id = chunk[-1][0]
    signers.sort(key=lambda row: (row[1], row[0]))

    targets = [dossier.target] if dossier.target_id else list(campaign.targets.order_by("name", "pk"))
    logs = {target.pk: TargetLog(target=target, name=target.label_in(dossier.language)) for target in targets}
    last_id = 0
    columns = ("pk", "target_id", "sent_at", "status", "message_id")
    while True:
        chunk = list(letters_query.filter(pk__gt=last_id).order_by("pk").values_list(*columns)[:CHUNK])
        for _pk, target_id, sent_at, status, message_id in chunk:
            log = logs.get(target_id)
            if log is None:
                continue
            local = sent_at.astimezone(zoneinfo.ZoneInfo(log.target.timezone))
            day = log.days.setdefault(local.date(), [0, 0])
            day[0] += 1
            day[1] += status == DeliveryStatus.DELIVERED
            log.first = local if log.first is None or local < log.first else log.first
            log.last = local if log.last is None or local > log.last else log.last
            if dossier.include_message_ids:
                log.message_ids.append((local, DeliveryStatus(status).label, message_id))
        done = _advance(dossier, done, len(chunk))
        if len(chunk) < CHUNK:
            break
        last_id = chunk[-1][0]
    for log in logs.values():
        log.message_ids.sort()

    template = template_for(campaign, dossier.language)
    # The letter as the page shows it: the dossier's target, else the first, filled in.
    shown_target = dossier.target or campaign.targets.filter(is_active=True).order_by("pk").first()
    subject, body = letter_preview(template, shown_target) if template else ("", "")
    paper = PaperBatch.objects.filter(campaign=campaign).aggregate(n=Sum("signatures", default=0))["n"]
    return Content(
        campaign=campaign,
        language=template.language if template else dossier.language,
        title=template.page_title if template else campaign.name,
        summary=template.summary if template else "",
        story=template.story if template else "",
        letter_subject=subject,
        letter_body=body,
        online=Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED).count(),
        paper=paper,
        countries=countries,
        other_countries=other_countries,
        partners=partners,
        signers=signers,
        full_names=full_names,
        logs=list(logs.values()),
        include_message_ids=dossier.include_message_ids,
        at_risk=campaign.signers_at_risk,
        made_at=timezone.localtime(),
    )


def _advance(dossier: Dossier, done: int, step: int) -> int:
    done = min(dossier.total - 1, done + step)
    Dossier.objects.filter(pk=dossier.pk).update(done=done, moved_at=timezone.now())
    return done


def render_pdf(content: Content) -> bytes:
    """The PDF, through WeasyPrint (Pango shapes every script, right to left included)."""
    from weasyprint import HTML  # loaded by the worker that builds a dossier, never by the web

    return HTML(string=render_html(content)).write_pdf()


def render_html(content: Content) -> str:
    """The page the PDF is printed from, in the active language."""
    bidi = "rtl" if translation.get_language_bidi() else "ltr"
    # The campaign's own words keep their language's direction: an English letter in an Arabic
    # dossier (a campaign with no Arabic version) still runs left to right.
    text_bidi = "rtl" if translation.get_language_info(content.language)["bidi"] else "ltr"
    return render_to_string("petitions/dossier.html", {"c": content, "direction": bidi, "text_direction": text_bidi})


def render_csv(content: Content) -> str:
    """The same content as blocks of rows, each with its own header, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)

    def row(*cells) -> None:
        writer.writerow([neutralise(cell) for cell in cells])

    row(_("Campaign"), content.title)
    row(_("Prepared"), content.made_at.strftime("%Y-%m-%d %H:%M %Z"))
    row(_("Signatures online"), content.online)
    row(_("Signatures on paper"), content.paper)
    row()
    row(_("Country"), _("Signatures"))
    for name, n in content.countries:
        row(name, n)
    if content.other_countries:
        row(_("Other countries"), content.other_countries)
    if content.partners:
        row()
        row(_("Partner"), _("Signatures"))
        for name, n in content.partners:
            row(name, n)
    row()
    row(_("Name") if content.full_names else _("First name"), _("Country"))
    for name, country in content.signers:
        row(name, country)
    row()
    row(_("Target"), _("Letters sent"), _("Delivered"), _("First letter"), _("Last letter"))
    for log in content.logs:
        row(log.name, log.sent, log.delivered, _stamp(log.first), _stamp(log.last))
    row()
    row(_("Target"), _("Day"), _("Letters sent"), _("Delivered"))
    for log in content.logs:
        for day, sent, delivered in log.by_day:
            row(log.name, day, sent, delivered)
    if content.include_message_ids:
        row()
        row(_("Target"), _("Sent"), _("Status"), _("Message id"))
        for log in content.logs:
            for sent_at, status, message_id in log.message_ids:
                row(log.name, _stamp(sent_at), status, message_id)
    return BOM + out.getvalue()


def _stamp(moment: datetime | None) -> str:
    """A time in the target's zone, with its offset: the same for a reader in any country."""
    return moment.strftime("%Y-%m-%d %H:%M %z") if moment else ""
