"""A page that fails, at an address shaped like a private link, to test what an error report carries."""

from django.urls import path


def failing(request, token):
    raise RuntimeError(f"could not mail {request.GET.get('email')} from {request.META.get('REMOTE_ADDR')}")


urlpatterns = [path("r/<str:token>/", failing)]
