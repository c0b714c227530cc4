"""A framed and an unframed page, to test the framing contract apart from any real embed view."""

from django.http import HttpResponse
from django.urls import path

from outcry.framing import allow_framing
from outcry.security import personal_page
from outcry.urls import urlpatterns as site_urlpatterns


def plain(request):
    return HttpResponse("plain")


urlpatterns = [
    path("embedded/", allow_framing(plain)),
    path("plain/", plain),
    path("personal/", personal_page(plain)),
    # The site's own patterns added, not included: Django refuses i18n_patterns in an include.
    *site_urlpatterns,
]
