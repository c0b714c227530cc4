from django.urls import path

from petitions.web import views

app_name = "petitions"

urlpatterns = [
    path("c/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("c/<slug:slug>/sign/", views.campaign_detail, name="sign"),
    # Where signing lands, under a name that says nothing of it: the campaign page links here too
    # ("Open the sharing page"), so a browser's history holding it shows no signature.
    path("c/<slug:slug>/share/", views.share_page, name="share"),
    path("c/<slug:slug>/counter.json", views.counter_json, name="counter"),
    # A tap on a button that opens the letter in the signer's own mail: counted, nothing else.
    path("c/<slug:slug>/own-mail/", views.own_mail_sent, name="own_mail"),
    # The big-screen display for a square or a hall, and the figures it polls (in its language).
    path("c/<slug:slug>/display/", views.display, name="display"),
    path("c/<slug:slug>/display.json", views.display_json, name="display_json"),
    path("captcha/challenge.json", views.captcha_challenge, name="captcha_challenge"),
    path("c/<slug:slug>/receipt/<str:token>/", views.receipt, name="receipt"),
    path("c/<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    path("my-data/", views.my_data_request, name="my_data_request"),
    path("my-data/<str:token>/", views.my_data, name="my_data"),
    path("my-data/<str:token>/export.json", views.my_data_export, name="my_data_export"),
    # For partner sites: the only views that may be framed (outcry/framing.py).
    path("c/<slug:slug>/embed/", views.embed, name="embed"),
    path("c/<slug:slug>/embed/share/", views.embed_share, name="embed_share"),
    path("embed.js", views.embed_script, name="embed_script"),
]
