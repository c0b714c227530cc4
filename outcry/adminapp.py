"""The admin app with Outcry's own site (outcry/adminsite.py) as `admin.site`: listed in
INSTALLED_APPS in place of django.contrib.admin, as Django documents for overriding the default site."""

from django.contrib.admin.apps import AdminConfig


class OutcryAdminConfig(AdminConfig):
    default_site = "outcry.adminsite.OutcryAdminSite"
