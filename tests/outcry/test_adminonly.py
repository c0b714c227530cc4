"""Admin-only middleware: the organisers' admin gets it, the public pages skip it."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from outcry.adminonly import admin_only

pytestmark = pytest.mark.unit


class Marking:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Inner"] = "ran"
        return response


def test_admin_only_middleware_runs_for_the_admin_and_not_for_public_pages():
    middleware = admin_only("tests.outcry.test_adminonly.Marking")(lambda request: HttpResponse("ok"))

    admin = middleware(RequestFactory().get("/admin/petitions/signature/"))
    public = middleware(RequestFactory().get("/c/free-the-four/counter.json"))

    assert admin["X-Inner"] == "ran"
    assert "X-Inner" not in public
