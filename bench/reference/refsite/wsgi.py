"""WSGI entry point that gunicorn serves (``refsite.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refsite.settings")
application = get_wsgi_application()
