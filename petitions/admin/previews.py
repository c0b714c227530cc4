"""Previews for organisers: each target's letter as it will be sent (also live, as the campaign form
is typed), and the public page of a draft."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.enums import DeliveryMode, DigestPeriod, SignerVoice
from campaigns.models import Campaign, MessageTemplate, Target, TargetName, time_zone_names
from campaigns.placeholders import validate_placeholders
from campaigns.roles import Can
from campaigns.selectors import pick_template, preview_campaign_page
from campaigns.tenancy import get_scoped_or_404, may
from petitions.mail import letters, variants
from petitions.reporting.public import recent_signers
from petitions.web import views


def letter_previews(campaign: Campaign) -> list[dict]:
    """Per target: the message that would be sent (sample signer, or a sample digest in digest mode),
    or why it cannot be built."""
    previews = []
    for target in campaign.targets.all():
        try:
            message = letters.build_sample_letter(campaign=campaign, target=target)
        except Exception as exc:  # noqa: BLE001 - shown to the organiser, who can fix the letter
            previews.append({"target": target, "error": str(exc)})
            continue
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
        previews.append(
            {
                "target": target,
                "from": message.from_email,
                "to": ", ".join(message.to),
                "bcc": ", ".join(message.bcc),
                "subject": message.subject,
                "text": message.body,
                "html": html,
                "variants": _variants(campaign, target),
            }
        )
    return previews


def _variants(campaign: Campaign, target: Target) -> dict | None:
    """The target's subject lines and letter texts with their letters so far; None without variants."""
    template = letters.target_template(campaign, target)
    if template is None or len(template.subject_variants()) * len(template.body_variants()) == 1:
        return None
    return variants.variant_figures(template, campaign_id=campaign.pk, target_id=target.pk)


def letter_preview_view(model_admin, request, campaign_id: int):
    campaign = get_scoped_or_404(Campaign.objects.all(), request.user, pk=campaign_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Letter preview: %(campaign)s") % {"campaign": campaign},
        "campaign": campaign,
        "previews": letter_previews(campaign),
        "digest_mode": campaign.delivery_mode == DeliveryMode.DIGEST,
        "signer_voice": "" if campaign.signer_voice == SignerVoice.FIXED else campaign.get_signer_voice_display(),
        "opts": Campaign._meta,
    }
    return TemplateResponse(request, "admin/petitions/letter_preview.html", context)


def page_preview_view(model_admin, request, campaign_id: int):
    """The public page as it will look, drafts included; its form does nothing here (GET only)."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    campaign = get_scoped_or_404(Campaign.objects.all(), request.user, pk=campaign_id)
    page = preview_campaign_page(campaign.pk, get_language())
    if page is None or page.template is None:
        raise Http404(_("Give the campaign a page title and story (a message template) first."))
    # The public view's own context, shown as if the campaign were open: the page as signers will see it.
    context = views.page_context(
        request,
        page,
        form=views.sign_form(page),
        recent_signers=recent_signers(page.campaign),
        open=True,
        preview=True,
    )
    response = TemplateResponse(request, "admin/petitions/page_preview.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


# The live preview renders what is being typed: bound it, as the form's own fields are.
LIVE_PREVIEW_MAX_BYTES = 200_000
LIVE_PREVIEW_MAX_TARGETS = 50


def live_letter_preview_view(model_admin, request):
    """The letters as the campaign form stands, unsaved: per target, the subject and text it would
    receive, in its language, signed by the sample signer. JSON for the builder's preview pane."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may(request.user, Can.TRANSLATE):
        raise PermissionDenied
    if len(request.body) > LIVE_PREVIEW_MAX_BYTES:
        return JsonResponse({"error": _("The letter is too long to preview.")}, status=413)
    try:
        data = json.loads(request.body)
        draft = draft_campaign(request.user, data)
    except (ValueError, TypeError, AttributeError, KeyError):
        return JsonResponse({"error": _("The preview could not read the form.")}, status=400)
    return JsonResponse({"letters": draft_letters(*draft)})


def draft_campaign(user, data: dict) -> tuple[Campaign, dict[str, MessageTemplate], list[Target]]:
    """The campaign, its language versions and its targets as the form holds them. Saved targets of
    the user's own campaign keep their names per language; nothing else is read from the database."""
    saved = None
    if data.get("campaign"):
        saved = get_scoped_or_404(Campaign.objects.all(), user, can=Can.TRANSLATE, pk=int(data["campaign"]))
    languages = dict(settings.LANGUAGES)
    default = data.get("default_language") if data.get("default_language") in languages else settings.LANGUAGE_CODE
    campaign = Campaign(
        pk=saved.pk if saved else None,
        default_language=default,
        delivery_mode=data.get("delivery_mode") if data.get("delivery_mode") in DeliveryMode.values else "single",
        digest_period=data.get("digest_period") if data.get("digest_period") in DigestPeriod.values else "day",
    )
    templates = {}
    for row in data.get("templates", [])[: len(languages)]:
        if row.get("language") in languages and row["language"] not in templates:
            templates[row["language"]] = MessageTemplate(
                language=row["language"],
                page_title=str(row.get("page_title", ""))[:200],
                letter_subject=str(row.get("letter_subject", ""))[:250],
                letter_body=str(row.get("letter_body", "")),
            )
    names = {}
    if saved:
        for name in TargetName.objects.filter(target__campaign=saved):
            names.setdefault(name.target_id, {})[name.language] = name
    targets = []
    for row in data.get("targets", [])[:LIVE_PREVIEW_MAX_TARGETS]:
        target = Target(
            pk=int(row["id"]) if str(row.get("id", "")).isdigit() else None,
            name=str(row.get("name", ""))[:200] or _("[the target's name]"),
            title=str(row.get("title", ""))[:200],
            language=row.get("language") if row.get("language") in languages else "",
            timezone=row.get("timezone") if row.get("timezone") in time_zone_names() else "UTC",
            is_active=bool(row.get("is_active", True)),
        )
        target.names_by_language = names.get(target.pk, {})
        targets.append(target)
    if not targets:
        sample = Target(name=_("[the target's name]"), title=_("[the target's title]"), timezone="UTC")
        sample.names_by_language = {}
        targets = [sample]
    return campaign, templates, targets


def draft_letters(campaign: Campaign, templates: dict[str, MessageTemplate], targets: list[Target]) -> list[dict]:
    letters_out = []
    languages = dict(settings.LANGUAGES)
    for target in targets:
        template = pick_template(templates, target.language or campaign.default_language, campaign.default_language)
        entry = {"target": str(target), "active": target.is_active}
        if template is None:
            letters_out.append({**entry, "error": _("Write the page and letter in a language first.")})
            continue
        entry |= {"language": template.language, "language_name": str(languages[template.language])}
        try:
            for text in (template.letter_subject, template.letter_body):
                validate_placeholders(text)
        except ValidationError as exc:
            letters_out.append({**entry, "error": " ".join(exc.messages)})
            continue
        subject, body = letters.render_sample(campaign=campaign, target=target, template=template)
        letters_out.append({**entry, "subject": subject, "text": body})
    return letters_out
