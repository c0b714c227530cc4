from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from outcry.health import healthz
from outcry.languages import NEGOTIATED

admin.site.site_header = f"{settings.SITE_NAME} organisers"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Campaigns, signatures and letters"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Provider webhooks: /anymail/<provider>/tracking/ (petitions/tracking.py handles the events).
    path("anymail/", include("anymail.urls")),
    # The public pages unprefixed, in the visitor's language (outcry/languages.py): the addresses
    # partner sites and shared links already use, and the one counter.json every page polls.
    path("", include(("campaigns.urls", "campaigns"), namespace=NEGOTIATED["campaigns"])),
    path("", include(("petitions.urls", "petitions"), namespace=NEGOTIATED["petitions"])),
    # Uploaded campaign images: a handful of files, so Django serves them itself unless a proxy
    # in front does it first.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

# The same pages under a language prefix (/az/c/<slug>/); reverse("petitions:campaign") gives these.
urlpatterns += i18n_patterns(
    path("", include("campaigns.urls")),
    path("", include("petitions.urls")),
    prefix_default_language=True,
)
