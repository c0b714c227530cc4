"""Middleware that only the organisers' admin needs, kept off the public pages' path.

Two-factor checks matter only under ADMIN_URL_PREFIX. The public pages (campaign, signing,
counters) are the requests a viral campaign makes thousands of times a minute, so they skip these
layers entirely (each reads the session). django-axes' middleware is not wrapped: it only reads one
attribute of the request, and its system check looks for it by name.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def admin_only(dotted_path: str) -> type:
    """A middleware class that runs `dotted_path`'s middleware for admin requests only."""
    middleware_class = import_string(dotted_path)

    class AdminOnly:
        def __init__(self, get_response):
            self.get_response = get_response
            self.inner = middleware_class(get_response)

        def __call__(self, request):
            if request.path_info.startswith(settings.ADMIN_URL_PREFIX):
                return self.inner(request)
            return self.get_response(request)

    AdminOnly.__name__ = AdminOnly.__qualname__ = f"AdminOnly{middleware_class.__name__}"
    return AdminOnly


OTPMiddleware = admin_only("django_otp.middleware.OTPMiddleware")
RequireTwoFactorMiddleware = admin_only("outcry.twofactor.RequireTwoFactorMiddleware")
