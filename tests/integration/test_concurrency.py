"""Concurrent transitions on one case cannot corrupt it (SPEC §4, §10).

Twenty threads, each with its own PostgreSQL connection, fire conflicting actions at one case at
the same instant. `case_transition` locks the row (SELECT … FOR UPDATE), so they apply one at a
time: each success bumps the version by exactly one and writes exactly one event, and every
refusal is a typed InvalidTransition / PreconditionFailed that changed nothing.
"""

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    pytest.skip(
        "Row-lock races need PostgreSQL (DATABASE_URL); CI runs them.", allow_module_level=True
    )

from cases.events import Actor
from cases.models import Case, CaseEvent, CaseStatus
from cases.services import TRANSITIONS, CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput
from infonavit_atencion.core.errors import InvalidTransition, PreconditionFailed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A transition's caller reads its clock before it waits for the row lock; a pause committed in
# between may carry a later instant. `case_transition` acts no earlier than the case's last
# event, so leaving `waiting` never computes a pause that ends before it began (the
# deterministic test at the end pins that down).

THREADS = 20
ROUNDS = 3
# 10 take, 4 resolve, 3 cancel, 3 pause; every other `take` carries the version it read (If-Match).
ACTIONS = ["take"] * 10 + ["resolve"] * 4 + ["cancel"] * 3 + ["pause"] * 3
INPUTS = {
    "take": TransitionInput(action="take"),
    "resolve": TransitionInput(action="resolve", resolution="Se corrigió el dato en el sistema."),
    "cancel": TransitionInput(action="cancel", reason="El derechohabiente desistió."),
    "pause": TransitionInput(action="pause", reason="Falta su identificación oficial."),
}


@dataclass(frozen=True)
class Outcome:
    action: str
    result: str  # "ok" or the exception class name
    version: int | None = None
    status: str | None = None
    detail: str = ""


def _routed_case(agent) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431"),
            description="La página falla al descargar mi constancia.",
        ),
        Actor(user=agent),
        timezone.now(),
    ).case
    case.refresh_from_db()  # routed in-process on commit (tasks are eager here)
    assert case.status == CaseStatus.ASSIGNED
    return case


def _race(case: Case, user) -> list[Outcome]:
    start = threading.Barrier(THREADS)
    outcomes: list[Outcome | None] = [None] * THREADS

    def attempt(i: int, action: str) -> None:
        expected = case.version if action == "take" and i % 2 else None
        try:
            start.wait(timeout=30)
            done = case_transition(
                case.folio,
                INPUTS[action],
                Actor(user=user),
                timezone.now(),
                expected_version=expected,
            )
            outcomes[i] = Outcome(action, "ok", done.version, done.status)
        except (InvalidTransition, PreconditionFailed) as refused:
            outcomes[i] = Outcome(action, type(refused).__name__)
        except Exception as error:  # anything else is a bug: deadlock, constraint, broken state
            outcomes[i] = Outcome(action, type(error).__name__, detail=repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(i, action)) for i, action in enumerate(ACTIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a transition hung"
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def test_racing_transitions_leave_one_valid_history(agent, area_staff):
    for _ in range(ROUNDS):  # each round races on a fresh case; one test, so one table flush
        _race_round(_routed_case(agent), area_staff)


def _race_round(case: Case, area_staff) -> None:
    # Given a routed case (status assigned)
    version_before, status_before = case.version, case.status
    last_event_before = (
        CaseEvent.objects.filter(case=case).order_by("-id").values_list("id", flat=True).first()
    )

    # When 20 threads fire take / resolve / cancel / pause at it at once
    outcomes = _race(case, area_staff)

    # Then every refusal is a typed 409 / 412, never an error
    assert {o.result for o in outcomes} <= {"ok", "InvalidTransition", "PreconditionFailed"}, [
        o for o in outcomes if o.detail
    ]
    successes = [o for o in outcomes if o.result == "ok"]
    assert successes, "at least the first action to get the lock must succeed"

    # ... exactly one event per success, each a legal step from where the previous one left off
    case.refresh_from_db()
    events = list(CaseEvent.objects.filter(case=case, id__gt=last_event_before).order_by("id"))
    assert len(events) == len(successes)
    assert Counter(e.data["action"] for e in events) == Counter(o.action for o in successes)
    status = status_before
    for event in events:
        allowed_from, to_status = TRANSITIONS[event.data["action"]]
        assert event.data["from"] == status and status in allowed_from
        assert event.data["to"] == event.status == (to_status or status)
        status = event.data["to"]
    assert case.status == status

    # ... versions strictly increasing without gaps, in the same order as the events
    assert case.version == version_before + len(successes)
    by_version = sorted(successes, key=lambda o: o.version or 0)
    assert [o.version for o in by_version] == list(range(version_before + 1, case.version + 1))
    assert [o.action for o in by_version] == [e.data["action"] for e in events]
    assert by_version[-1].status == case.status

    # ... and the case satisfies every model constraint (the DB enforced them on each write too)
    case.validate_constraints()
    if case.status in (CaseStatus.WAITING,):
        assert case.paused_at is not None
    if case.status in (CaseStatus.RESOLVED,):
        assert case.resolved_at is not None and case.resolution
    if case.status in (CaseStatus.CANCELLED,):
        assert case.closed_at is not None


def test_leaving_a_pause_with_a_clock_read_before_the_pause_committed_is_not_an_error(
    agent, area_staff
):
    # Given a case that a supervisor paused at T, while an agent's cancel read its clock at T - 1 s
    case = _routed_case(agent)
    t = timezone.now()
    case_transition(case.folio, INPUTS["take"], Actor(user=area_staff), t - dt.timedelta(seconds=2))
    case_transition(case.folio, INPUTS["pause"], Actor(user=area_staff), t)

    # When the cancel gets the row lock after the pause committed
    done = case_transition(
        case.folio, INPUTS["cancel"], Actor(user=area_staff), t - dt.timedelta(seconds=1)
    )

    # Then it applies (the wait counts as zero), and the timeline stays in order
    assert done.status == CaseStatus.CANCELLED and done.paused_seconds >= 0
    times = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("at", flat=True))
    assert times == sorted(times)
