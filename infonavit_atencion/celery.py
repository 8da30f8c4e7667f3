"""Celery application `infonavit_atencion` (`celery -A infonavit_atencion worker|beat`)."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.local")

app = Celery("infonavit_atencion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_django_logging(**_: Any) -> None:
    """Workers log through Django's LOGGING, whose every handler masks personal data (SPEC §9).

    Without a receiver for this signal a worker would replace the root handlers and give
    "celery.task" a handler of its own, both without the mask. The level is LOG_LEVEL.
    """


@task_prerun.connect
@task_postrun.connect
def _drop_stale_connections(task: Any = None, **_: Any) -> None:
    """Around each task, what Django does around a request: close a database connection that
    failed or outlived CONN_MAX_AGE, keep a healthy one (CELERY_DB_REUSE_MAX stops the fix-up
    from closing every connection). Not for eager tasks: they run inside the caller's
    transaction."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    close_old_connections()
