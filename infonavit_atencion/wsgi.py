"""WSGI entry point (`gunicorn infonavit_atencion.wsgi`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.production")

application = get_wsgi_application()

# Import every view now (the URL configuration names them), then leave all this start-up state
# out of the garbage collector's passes: a server process keeps it for its whole life, and the
# full passes over it cost a request about 0.2 ms on average (issue 17, docs/performance.md).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.freeze()
