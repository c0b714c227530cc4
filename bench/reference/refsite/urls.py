"""Routes shaped like Outcry's campaign URLs."""

from django.urls import path

from . import views

urlpatterns = [
    path("page/", views.page, name="page"),
    path("page/thanks/", views.thanks, name="thanks"),
    path("row.json", views.row_json, name="row_json"),
]
