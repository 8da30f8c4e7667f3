"""Queue background work after the transaction commits, without ever failing the request.

If the broker is down the work is not lost: every queued job has a sweeper that finds the rows
still waiting for it (e.g. cases left `new`) and queues them again. So a publish error is logged
and swallowed here instead of turning a committed intake into a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue_now(task: Any, *args: Any) -> bool:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # broker unreachable, DNS, timeouts: the sweeper will catch up
        logger.warning(
            "No se pudo encolar %s%r; el barrido lo reintentará.",
            getattr(task, "name", task),
            args,
            exc_info=True,
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args))


def enqueue_named_on_commit(name: str, *args: Any) -> None:
    """`enqueue_on_commit` for the task registered as `name` (its dotted path, Celery's default
    name): a service queues a task of the tasks module above it without importing that module."""
    enqueue_on_commit(import_string(name), *args)


def enqueue_named_now(name: str, *args: Any) -> bool:
    """`enqueue_now` for the task registered as `name` (sweepers, outside a transaction)."""
    return enqueue_now(import_string(name), *args)
