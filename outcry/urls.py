from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from outcry.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} organisers"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Campaigns, signatures and letters"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("campaigns.urls")),
    path("", include("petitions.urls")),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
