"""Celery application `infonavit_atencion` (`celery -A infonavit_atencion worker|beat`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.local")

app = Celery("infonavit_atencion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
