from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value) -> str:
    """12345 -> "12,345" (or "12 345", "12.345": the active language's grouping)."""
    return number_format(value, force_grouping=True)
