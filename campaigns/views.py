"""The public list of campaigns."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigns.selectors import public_campaigns


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/home.html", {"campaigns": public_campaigns().prefetch_related("templates")})
