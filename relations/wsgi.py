"""WSGI entry point, for gunicorn: gunicorn relations.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relations.settings")

application = get_wsgi_application()
