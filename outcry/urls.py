from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from outcry.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} organisers"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Campaigns, signatures and letters"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Provider webhooks: /anymail/<provider>/tracking/ (petitions/tracking.py handles the events).
    path("anymail/", include("anymail.urls")),
    path("", include("campaigns.urls")),
    path("", include("petitions.urls")),
    # Uploaded campaign images: a handful of files, so Django serves them itself unless a proxy
    # in front does it first.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
