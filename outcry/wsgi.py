"""WSGI entry point for gunicorn: Django, with the shared public responses in front
(outcry/sharedcache.py), every answer counted and timed around both (outcry/webmetrics.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcry.settings")
application = get_wsgi_application()

from outcry.sharedcache import SharedResponses  # noqa: E402 - needs the settings configured above
from outcry.webmetrics import RequestMetrics  # noqa: E402

application = RequestMetrics(SharedResponses(application))
