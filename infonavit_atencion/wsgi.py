"""WSGI entry point (`gunicorn infonavit_atencion.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.production")

application = get_wsgi_application()
