"""A worker started exactly as README says (`celery -A infonavit_atencion worker`, no -Q) does
everything: it routes a case, runs the SLA monitor and sends the notices (SPEC §11).

Runs against PostgreSQL and Redis; skipped on the embedded SQLite setup or without REDIS_URL.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] or not os.environ.get("REDIS_URL"):
    pytest.skip(
        "Real-worker tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); CI sets both.",
        allow_module_level=True,
    )

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from cases.services import CaseInput, case_create
from cases.tasks import run_sla_monitor
from contacts.services import ContactInput
from infonavit_atencion.core.health import UNSERVED_QUEUES_CACHE_KEY
from tests.support.accounts import TEST_PASSWORD

from .support import Worker, _wait_for_other_sessions_to_leave, database_url, publishing_to

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Not the other worker tests' database: this module's worker must not share their queues.
PLAIN_WORKER_REDIS_DB = 13
README_COMMAND = [
    str(Path(sys.executable).with_name("celery")),
    "-A",
    "infonavit_atencion",
    "worker",
]


class PlainWorker(Worker):
    """The README's command line and nothing else (no -Q, no pool or concurrency flags)."""

    def command(self) -> list[str]:
        return list(README_COMMAND)


@pytest.fixture(scope="module")
def plain_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[PlainWorker]:  # type: ignore[no-untyped-def]
    import redis

    parts = urlsplit(os.environ["REDIS_URL"])
    broker = urlunsplit((parts.scheme, parts.netloc, f"/{PLAIN_WORKER_REDIS_DB}", parts.query, ""))
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker,
        "PYTHONUNBUFFERED": "1",
    }
    worker = PlainWorker(env, tmp_path_factory.mktemp("plain-worker"))
    with publishing_to(broker):
        try:
            worker.start()
            yield worker
        finally:
            worker.stop()
            _wait_for_other_sessions_to_leave(django_db_blocker)


def _events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("pk"))


def test_the_readme_worker_routes_monitors_and_notifies(
    plain_worker, reference_data, wait_for, client
):
    agent = user_create("asesor", "agent", TEST_PASSWORD, UserPlacement(office_code="CESI_TIJUANA"))
    supervisor = user_create(
        "sup.nacional", "supervisor", TEST_PASSWORD, UserPlacement(national=True)
    )
    supervisor.email = "sup.nacional@infonavit.test"
    supervisor.save(update_fields=["email"])

    # Routing (queue `routing`) and the acknowledgement e-mail (queue `notifications`)
    case = case_create(
        CaseInput(
            service="QUEJA_ATENCION_CESI",
            channel="CESI",
            office="CESI_TIJUANA",
            contact=ContactInput(
                given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana@example.com"
            ),
            description="Me hicieron esperar tres horas.",
        ),
        Actor(user=agent),
        timezone.now(),
    ).case
    wait_for(
        lambda: Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED,
        what="the worker to route the case",
        details=plain_worker.tail,
    )
    wait_for(
        lambda: any(
            e.data.get("template") == "acknowledgement" for e in _events(case, EventKind.NOTIFIED)
        ),
        what="the acknowledgement notice",
        details=plain_worker.tail,
    )

    # The SLA monitor (queue `sla`) marks the overdue case; its breach notice goes to the supervisor.
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        received_at=now - dt.timedelta(hours=2),
        warn_at=now - dt.timedelta(hours=1),
        resolution_due_at=now - dt.timedelta(minutes=1),
    )
    run_sla_monitor.delay()
    wait_for(
        lambda: Case.objects.get(pk=case.pk).sla_state == "breached",
        what="the SLA monitor to mark the breach",
        details=plain_worker.tail,
    )
    wait_for(
        lambda: any(e.data.get("template") == "breach" for e in _events(case, EventKind.NOTIFIED)),
        what="the breach notice",
        details=plain_worker.tail,
    )
    assert len(_events(case, EventKind.SLA_BREACHED)) == 1
    assert [
        e.data.get("recipients")
        for e in _events(case, EventKind.NOTIFIED)
        if e.data.get("template") == "breach"
    ] == [1]

    # Readiness sees every queue served.
    cache.delete(UNSERVED_QUEUES_CACHE_KEY)
    body = client.get("/readyz").json()
    assert body["unserved_queues"] == []
