"""Celery application `infonavit_atencion` (`celery -A infonavit_atencion worker|beat`)."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from django.conf import settings
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.local")

# Django's CELERY_* settings, copied in when Celery loads its configuration (below).
_django_celery_settings: dict[str, Any] = {}

app = Celery("infonavit_atencion")
app.config_from_object(_django_celery_settings, namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _read_django_settings(**_: Any) -> None:
    """Celery reads its configuration from a plain dict of Django's CELERY_* settings, not
    from Django's settings object: a publish reads about six settings, most of them through
    misses on several spellings, and the settings object answered each miss in Python (a fifth
    of each publish's time, issue 17). Sent once, before Celery reads its source; a setting
    changed later (tests, the integration suite) is changed on `app.conf`."""
    _django_celery_settings.update(
        {name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")}
    )


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
