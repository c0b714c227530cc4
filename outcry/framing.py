"""Which responses another site may show in a frame: the embed views, and nothing else.

Everywhere else the CSP says `frame-ancestors 'none'` and X-Frame-Options says DENY
(outcry/security.py), so the signing form cannot be framed to trick a signer (clickjacking).
"""

from functools import wraps

from django.views.decorators.clickjacking import xframe_options_exempt


def allow_framing(view):
    """Mark a view's responses as embeddable: no X-Frame-Options, and the CSP's frame-ancestors
    becomes EMBED_FRAME_ANCESTORS (every site by default, or the partners' origins)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.allow_framing = True
        return response

    return xframe_options_exempt(wrapped)
