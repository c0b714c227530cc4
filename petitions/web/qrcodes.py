"""QR codes drawn on the server as inline SVG: no script, no image fetched from elsewhere."""

import functools

import segno
from django.utils.safestring import SafeString, mark_safe


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> SafeString:
    """Black on white with a quiet zone, sized by its container (no width or height of its own).
    Medium error correction: still read from a projector's glare or a phone held up at a distance."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, border=4, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; the URL is encoded in the modules, not written out
