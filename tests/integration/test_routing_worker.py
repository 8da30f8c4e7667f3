"""Routing through a real Celery worker (SPEC §2, §5, §10): nothing lost, nothing duplicated.

Runs against PostgreSQL and Redis with a worker subprocess (see conftest.py); skipped on the
embedded SQLite setup or without REDIS_URL. CI sets both and runs these with `make test`.
"""

import datetime as dt
import logging
import os
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] or not os.environ.get("REDIS_URL"):
    pytest.skip(
        "Real-worker tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); CI sets both.",
        allow_module_level=True,
    )

from stdnum import luhn

from cases.events import Actor
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from cases.services import CaseInput, case_create
from cases.tasks import UNROUTED_GRACE, route_case, sweep_unrouted_cases
from contacts.services import ContactInput

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Nothing listens here: publishing fails at once, like a Redis that is down.
CLOSED_BROKER = "redis://127.0.0.1:6390/0"
# A ceiling, not a sleep: routing 200 cases on a loaded 2-CPU runner can take a while.
BULK_TIMEOUT = 120
ANA = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431")


def _contact(n: int) -> ContactInput:
    if n == 0:
        return ANA
    number = f"{7200000000 + n:010d}"
    return ContactInput(
        given_names=f"Persona {n}",
        first_surname="Prueba",
        nss=number + luhn.calc_check_digit(number),
    )


def _create(agent, n: int = 0) -> Case:
    """Intake through the service; routing is queued on commit (autocommit: right away)."""
    data = CaseInput(
        service="QUEJA_ATENCION_CESI",
        channel="CESI",
        office="CESI_TIJUANA",
        contact=_contact(n),
        description=f"Me hicieron esperar tres horas (visita {n}).",
    )
    return case_create(data, Actor(user=agent), timezone.now()).case


def _create_many(agent, count: int, threads: int = 4) -> list[int]:
    """`count` intakes from several threads, each with its own connection, as several agents."""
    numbers = iter(range(1, count + 1))
    lock = threading.Lock()
    ids: list[int] = []

    def intake() -> None:
        try:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                pk = _create(agent, n).pk
                with lock:
                    ids.append(pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=intake) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert len(ids) == count, "an intake thread failed (see its traceback above)"
    return ids


def _routed_count(ids: list[int]) -> int:
    return Case.objects.filter(pk__in=ids, status=CaseStatus.ASSIGNED).count()


def _routed_events_per_case(ids: list[int]) -> dict[int, int]:
    rows = (
        CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ROUTED)
        .values("case_id")
        .annotate(n=Count("id"))
    )
    return {row["case_id"]: row["n"] for row in rows}


def _backdate_unrouted(ids: list[int]) -> int:
    """Age the still-new cases past the sweeper's grace instead of waiting a minute."""
    return Case.objects.filter(pk__in=ids, status=CaseStatus.NEW).update(
        created_at=F("created_at") - UNROUTED_GRACE - dt.timedelta(minutes=1)
    )


def _assert_routed_exactly_once(ids: list[int]) -> None:
    statuses = dict(Case.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert set(statuses) == set(ids)
    assert set(statuses.values()) == {CaseStatus.ASSIGNED}
    assert _routed_events_per_case(ids) == dict.fromkeys(ids, 1)
    assert set(Case.objects.filter(pk__in=ids).values_list("version", flat=True)) == {2}


def test_a_committed_case_is_routed_by_the_worker(worker, agent, wait_for):
    case = _create(agent)

    wait_for(
        lambda: _routed_count([case.pk]) == 1,
        what="the worker to route the case",
        details=worker.tail,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert (case.directorate.code, case.area.code) == ("OPERACIONES", "OPERACIONES_QUEJAS")
    assert case.routed_at is not None and case.version == 2
    routed = CaseEvent.objects.get(case=case, kind=EventKind.ROUTED)
    assert routed.data["reasons"] == ["responsable del servicio"]
    assert (routed.data["from"], routed.data["to"], routed.status) == (
        "new",
        "assigned",
        "assigned",
    )
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CREATED).count() == 1


def test_a_worker_killed_mid_run_loses_no_case_and_routes_none_twice(worker, agent, wait_for):
    # Given 200 committed cases whose routing messages wait in Redis
    worker.control("cancel_consumer", "routing")
    ids = _create_many(agent, 200)
    assert _routed_count(ids) == 0

    # When the worker and its pool processes are SIGKILLed while routing them
    worker.control("add_consumer", "routing")
    wait_for(
        lambda: _routed_count(ids) >= 10,
        interval=0.01,
        what="routing to get going",
        details=worker.tail,
    )
    worker.kill()
    routed_at_kill = _routed_count(ids)
    assert routed_at_kill < len(ids), (
        "the worker finished before it was killed; the test proves nothing"
    )

    # ... a new worker starts and drains the messages still queued, and the sweeper re-queues
    # whatever is still new (the messages the killed worker had taken stay unacknowledged in
    # Redis until the visibility timeout)
    worker.start()
    wait_for(
        lambda: worker.queue_length("routing") == 0,
        timeout=BULK_TIMEOUT,
        what="the new worker to drain the routing queue",
        details=worker.tail,
    )
    _backdate_unrouted(ids)
    swept = sweep_unrouted_cases()

    # Then every case is routed, each exactly once
    wait_for(
        lambda: _routed_count(ids) == len(ids),
        timeout=BULK_TIMEOUT,
        what="all 200 cases to be routed",
        details=worker.tail,
    )
    _assert_routed_exactly_once(ids)
    assert Case.objects.filter(pk__in=ids, status=CaseStatus.NEW).count() == 0
    print(f"routed before the kill: {routed_at_kill}; re-queued by the sweeper: {swept}")


def test_intake_succeeds_with_the_broker_down_and_the_sweeper_routes_the_case(
    worker, agent, wait_for, caplog, publishing_to
):
    # Given Redis unreachable at intake
    with (
        caplog.at_level(logging.WARNING, logger="infonavit_atencion.core.queueing"),
        publishing_to(CLOSED_BROKER),
    ):
        case = _create(agent)

    # Then the case is committed, new, and the lost publish was logged rather than raised
    assert Case.objects.filter(pk=case.pk, status=CaseStatus.NEW).exists()
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CREATED).count() == 1
    assert any(
        r.getMessage().startswith(f"No se pudo encolar cases.tasks.route_new_case({case.pk},)")
        for r in caplog.records
    )

    # When the broker is back and the periodic sweeper runs on the worker (as beat would run it)
    _backdate_unrouted([case.pk])
    sweep = sweep_unrouted_cases.delay()
    assert int(worker.task_result(sweep.id)) >= 1

    # Then it is routed, once
    wait_for(
        lambda: _routed_count([case.pk]) == 1,
        what="the swept case to be routed",
        details=worker.tail,
    )
    _assert_routed_exactly_once([case.pk])


def test_duplicate_route_messages_route_the_case_once(worker, agent, wait_for):
    # Given a case whose routing was queued on commit, and the same message published twice more
    case = _create(agent)
    duplicates = [route_case.delay(case.pk), route_case.delay(case.pk)]

    # Then all three messages are processed, and the case is routed once
    results = [worker.task_result(message.id) for message in duplicates]
    wait_for(
        lambda: _routed_count([case.pk]) == 1, what="the case to be routed", details=worker.tail
    )
    assert results.count("True") <= 1
    _assert_routed_exactly_once([case.pk])
    case.refresh_from_db()
    before = (case.version, case.updated_at, case.routed_at)

    # ... and a message redelivered later (e.g. after a visibility timeout) changes nothing
    late = route_case.delay(case.pk)
    assert worker.task_result(late.id) == "False"
    case.refresh_from_db()
    assert (case.version, case.updated_at, case.routed_at) == before
    _assert_routed_exactly_once([case.pk])
