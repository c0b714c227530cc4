"""Which responses other sites may put in a frame: the embed views, and nothing else.

X_FRAME_OPTIONS is DENY for the whole site. `allow_framing` lifts it for one view and marks its
responses (`response.allow_framing = True`), so that the Content-Security-Policy sends
`frame-ancestors` for partner sites there and `'none'` everywhere else.
"""

from functools import wraps

from django.views.decorators.clickjacking import xframe_options_exempt


def allow_framing(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.allow_framing = True
        return response

    return xframe_options_exempt(wrapped)
