from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from outcry.health import healthz
from outcry.languages import PREFIXED
from outcry.media import media_file
from petitions.api.views import api
from petitions.tracking.webhook import inbound_webhook, tracking_webhook
from petitions.web.metrics import metrics

admin.site.site_header = f"{settings.SITE_NAME} organisers"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Campaigns, signatures and letters"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The sending queue and counters for Prometheus, behind METRICS_TOKEN (petitions/web/metrics.py).
    path("metrics", metrics, name="metrics"),
    # The public read API, its OpenAPI schema at /api/v1/openapi.json and its docs (petitions/api/).
    path("api/v1/", api.urls),
    # The tracking webhook of the provider in EMAIL_BACKEND, and no other (petitions/tracking/webhook.py).
    path("anymail/<str:provider>/tracking/", tracking_webhook, name="tracking_webhook"),
    # Its inbound webhook: targets' replies, where the provider receives mail (petitions/responses/inbound.py).
    path("anymail/<str:provider>/inbound/", inbound_webhook, name="inbound_webhook"),
    # The public pages unprefixed, in the visitor's language (outcry/languages.py): the addresses
    # partner sites, shared and emailed links use; reverse("petitions:campaign") gives these.
    path("", include("campaigns.urls")),
    path("", include("petitions.web.urls")),
    # Uploaded campaign images: a handful of files, served by a view that takes images only, with
    # DEBUG on or off, unless a proxy in front serves them first (outcry/media.py).
    re_path(r"^media/(?P<path>.+)$", media_file, name="media"),
]

# The same pages under a language prefix (/az/c/<slug>/): reverse("petitions-i18n:campaign"), or
# outcry.languages.same_family() to stay in the family of the current request.
urlpatterns += i18n_patterns(
    path("", include(("campaigns.urls", "campaigns"), namespace=PREFIXED["campaigns"])),
    path("", include(("petitions.web.urls", "petitions"), namespace=PREFIXED["petitions"])),
    prefix_default_language=True,
)

# Branded, translated error pages (outcry/errors.py); CSRF failures too (settings.CSRF_FAILURE_VIEW).
handler400 = "outcry.errors.bad_request"
handler403 = "outcry.errors.permission_denied"
handler404 = "outcry.errors.page_not_found"
handler500 = "outcry.errors.server_error"
