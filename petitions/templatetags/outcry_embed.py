"""The snippets organisers paste into partner sites, shown on the campaign's admin page."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

register = template.Library()


@dataclass(frozen=True)
class EmbedSnippets:
    iframe: str
    script: str


@register.simple_tag
def embed_snippets(campaign) -> EmbedSnippets:
    site = settings.SITE_URL
    frame_url = site + reverse("petitions:embed", args=[campaign.slug]) + "?form=1"
    script_url = site + reverse("petitions:embed_script")
    title = escape(campaign.name)
    return EmbedSnippets(
        iframe=(
            f'<iframe src="{frame_url}" title="{title}" width="100%" height="900" '
            f'style="border:0;max-width:40rem" loading="lazy"></iframe>'
        ),
        script=(
            f'<script src="{script_url}" data-campaign="{campaign.slug}" data-form data-title="{title}" async></script>'
        ),
    )
