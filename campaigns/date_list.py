"""A list of dates edited as the browser's own date fields, one row per date, stored as ISO strings.

Rows are added and removed by static/admin/outcry/date-list.js, which clones a hidden row of the
widget itself (never a <template>: the admin's "Add another" script renames what a new inline row
holds, and does not look inside templates).
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.template import loader
from django.utils.translation import gettext_lazy as _

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: str) -> date | None:
    """The date written YYYY-MM-DD, as a date field sends it; None for anything else."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class DateListWidget(forms.Widget):
    template_name = "admin/campaigns/widgets/date_list.html"

    class Media:
        js = ["admin/outcry/date-list.js"]
        css = {"all": ["admin/outcry/date-list.css"]}

    def value_from_datadict(self, data, files, name) -> list[str]:
        """Every row's value, empty rows (added, never filled) left out."""
        return [value.strip() for value in data.getlist(name) if value.strip()]

    def value_omitted_from_data(self, data, files, name) -> bool:
        # Removing every date posts no row at all: that is an empty list, not "unchanged".
        return False

    def id_for_label(self, id_):
        return ""  # the label names the whole list (role=group), not one of its fields

    def render(self, name, value, attrs=None, renderer=None):
        # With the project's templates: the default form renderer looks only in apps' folders.
        return loader.render_to_string(self.template_name, self.get_context(name, value, attrs))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else []
        # A value that is not a date (sent by hand, or by a browser without date fields) is shown
        # as typed in a text field, so the organiser can correct it rather than lose it.
        context["widget"]["flat_attrs"] = flatatt(context["widget"]["attrs"])
        context["widget"]["rows"] = [
            {"value": str(value), "is_date": parse_iso_date(str(value)) is not None} for value in values
        ]
        return context


class DateListField(forms.Field):
    """Cleans to a sorted list of distinct ISO dates; every row that is not a date is named."""

    widget = DateListWidget
    default_error_messages = {
        "invalid_date": _("%(value)s is not a date. Give it as year-month-day, e.g. 2026-12-31."),
    }

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        # The model's JSONField offers its encoder and decoder; the list is plain strings.
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "aria-label": self.label or ""}

    def prepare_value(self, value):
        return value if isinstance(value, list | tuple) else []

    def to_python(self, value) -> list[str]:
        values = value if isinstance(value, list | tuple) else []
        errors = [
            ValidationError(self.error_messages["invalid_date"], code="invalid_date", params={"value": value})
            for value in values
            if parse_iso_date(str(value)) is None
        ]
        if errors:
            raise ValidationError(errors)
        return sorted({str(value) for value in values})

    def has_changed(self, initial, data) -> bool:
        return sorted({str(value) for value in initial or []}) != sorted({str(value) for value in data or []})
