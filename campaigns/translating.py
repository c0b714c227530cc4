"""The translator's page: one language version with the main language's text beside each field.

Translators (campaigns/roles.py) may write pages and letters but not the rest of the campaign, so
they work here rather than in the campaign form. Fields whose main text changed since the version
was last saved show what it was, so only what changed needs translating again.
"""

import copy

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaigns import translations
from campaigns.models import Campaign, MessageTemplate
from campaigns.overview import after_save
from campaigns.roles import Can
from campaigns.tenancy import ScopedModelAdmin, scoped
from outcry.languages import text_direction


def with_source_beside(widget, *, source: str, language_name: str, language: str, before: str | None):
    """`widget`, rendered with the main language's text beside it (and its earlier text, if changed)."""

    class Beside(type(widget)):
        def render(self, name, value, attrs=None, renderer=None):
            field = super().render(name, value, attrs, renderer)
            earlier = ""
            if before is not None:
                earlier = format_html(
                    '<div class="translate-before"><span class="label">{}</span><div class="text">{}</div></div>',
                    _("Changed since this translation. It was:"),
                    before,
                )
            return format_html(
                '<div class="translate-pair"><div class="translate-source" lang="{}" dir="{}">'
                '<span class="label">{}</span><div class="text">{}</div>{}</div>'
                '<div class="translate-field">{}</div></div>',
                language,
                text_direction(language),
                language_name,
                source or "-",
                earlier,
                field,
            )

    beside = copy.copy(widget)
    beside.__class__ = Beside
    return beside


class TextDirectionMixin:
    """The page and letter fields take the direction of what is typed into them: Azerbaijani text
    in an Arabic admin runs left to right, Arabic text in an English one right to left."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in translations.FIELDS:
            field.widget.attrs["dir"] = "auto"
        return field


@admin.register(MessageTemplate)
class MessageTemplateAdmin(TextDirectionMixin, ScopedModelAdmin):
    tenant_path = "campaign__organisation"
    organiser_capabilities = {
        **ScopedModelAdmin.organiser_capabilities,
        "add": Can.TRANSLATE,
        "change": Can.TRANSLATE,
        "delete": Can.EDIT,
    }
    list_display = ["__str__", "campaign", "language", "translation_state"]
    list_filter = ["campaign", "language"]
    list_select_related = ["campaign"]
    search_fields = ["page_title", "campaign__name"]
    fields = ["campaign", "language", "translation_state", *translations.FIELDS]
    readonly_fields = ["translation_state"]

    def get_readonly_fields(self, request, obj=None):
        return ["campaign", "language", "translation_state"] if obj else ["translation_state"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("campaign__templates")

    def _main(self, template: MessageTemplate | None, campaign: Campaign | None) -> MessageTemplate | None:
        campaign = template.campaign if template else campaign
        if campaign is None:
            return None
        return next((t for t in campaign.templates.all() if t.language == campaign.default_language), None)

    @admin.display(description=_("translation"))
    def translation_state(self, template: MessageTemplate) -> str:
        if not template.pk:
            return "-"
        main = self._main(template, None)
        current = translations.state(template, main)
        label = translations.LABELS[current]
        changed = translations.changed_fields(template, main)
        if not changed:
            return str(label)
        names = format_html_join(", ", "{}", ((MessageTemplate._meta.get_field(f).verbose_name,) for f in changed))
        return format_html("{} ({})", label, names)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        campaign = obj.campaign if obj else self._campaign_asked_for(request)
        main = self._main(obj, campaign)
        language = obj.language if obj else request.GET.get("language")
        if main is None or language == main.language:
            return form
        before = (obj.translated_from or {}) if obj else {}
        changed = translations.changed_fields(obj, main) if obj else []
        name = dict(MessageTemplate._meta.get_field("language").choices).get(main.language, main.language)
        for field in translations.FIELDS:
            form.base_fields[field].widget = with_source_beside(
                form.base_fields[field].widget,
                source=getattr(main, field),
                language_name=str(name),
                language=main.language,
                before=before.get(field) if field in changed else None,
            )
        return form

    def _campaign_asked_for(self, request) -> Campaign | None:
        """The campaign of an "Add a translation" link (?campaign=<id>), if the user may translate it."""
        campaign_id = request.GET.get("campaign", "")
        if not campaign_id.isdigit():
            return None
        return scoped(Campaign.objects.all(), request.user, Can.TRANSLATE).filter(pk=campaign_id).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's "Change <model>" cannot put the name in the case a sentence needs ("языковую").
        title = _("A language version of the page and letter") if object_id else _("Add a translation")
        return super().changeform_view(request, object_id, form_url, {**(extra_context or {}), "title": title})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        translations.record_translated(obj)

    def response_add(self, request, obj, post_url_continue=None):
        return after_save(request, obj.campaign_id, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return after_save(request, obj.campaign_id, super().response_change(request, obj))
