from django.urls import path

from petitions import views

app_name = "petitions"

urlpatterns = [
    path("c/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("c/<slug:slug>/sign/", views.campaign_detail, name="sign"),
    path("c/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("c/<slug:slug>/counter.json", views.counter_json, name="counter"),
    path("c/<slug:slug>/receipt/<str:token>/", views.receipt, name="receipt"),
]
