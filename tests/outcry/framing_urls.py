"""A framed and an unframed page, to test the framing contract apart from any real embed view."""

from django.http import HttpResponse
from django.urls import include, path

from outcry.framing import allow_framing
from outcry.security import personal_page


def plain(request):
    return HttpResponse("plain")


urlpatterns = [
    path("embedded/", allow_framing(plain)),
    path("plain/", plain),
    path("personal/", personal_page(plain)),
    path("", include("outcry.urls")),
]
