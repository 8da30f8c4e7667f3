"""Liveness and readiness probes for load balancers and orchestration.

Readiness also lists the task queues no live worker consumes (`unserved_queues`), so an operator
who started no worker, or only dedicated ones (`-Q`), sees what is left unserved. Asking the workers
costs up to WORKER_INSPECT_TIMEOUT seconds, so the answer is cached WORKER_CHECK_CACHE_SECONDS.
"""

from __future__ import annotations

import redis

# The project's app (infonavit_atencion/__init__.py makes it current); core imports nothing above.
from celery import current_app as app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

WORKER_INSPECT_TIMEOUT = 1.0
WORKER_CHECK_CACHE_SECONDS = 10
UNSERVED_QUEUES_CACHE_KEY = "health:unserved-queues"


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    if not settings.REDIS_URL:
        return True  # in-process tasks: there is no broker to reach
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


def _consumed_queues() -> set[str]:
    """Queue names the live workers consume (none when no worker answers in time)."""
    replies = app.control.inspect(timeout=WORKER_INSPECT_TIMEOUT).active_queues() or {}
    return {queue["name"] for queues in replies.values() for queue in queues or []}


def unserved_queues() -> list[str]:
    """The project's queues no live worker consumes; always none when tasks run in-process."""
    if app.conf.task_always_eager:
        return []
    cached = cache.get(UNSERVED_QUEUES_CACHE_KEY)
    if cached is not None:
        return list(cached)
    try:
        consumed = _consumed_queues()
    except Exception:  # broker unreachable: the broker check already says so
        consumed = set()
    unserved = [name for name in settings.WORKER_QUEUES if name not in consumed]
    cache.set(UNSERVED_QUEUES_CACHE_KEY, unserved, WORKER_CHECK_CACHE_SECONDS)
    return unserved


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": checks}
    # A warning, not unreadiness: the site takes cases without workers (the sweepers catch up
    # once one starts), and taking it out of the load balancer would only make things worse.
    body["unserved_queues"] = unserved_queues() if checks["broker"] else []
    return JsonResponse(body, status=200 if ready else 503)
