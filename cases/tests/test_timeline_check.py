"""The timeline check (cases.timeline_check): real histories pass, impossible ones are named."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.timeline_check import TimelineEvent, case_timeline_problems, timeline_problems
from contacts.services import ContactInput

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)


def _intake(agent, **overrides) -> Case:
    data = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431"),
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
        **overrides,
    }
    return case_create(CaseInput(**data), Actor(user=agent), RECEIVED).case


def _act(case: Case, action: str, user, minutes: int, **kwargs) -> Case:
    at = RECEIVED + dt.timedelta(minutes=minutes)
    return case_transition(
        case.folio, TransitionInput(action=action, **kwargs), Actor(user=user), at
    )


@pytest.mark.django_db
def test_histories_written_by_the_services_are_valid(agent, area_staff):
    # Given a case worked through its whole life, one transferred, one resolved at intake
    worked = _intake(agent)
    case_route(worked.pk, RECEIVED)
    _act(worked, "take", area_staff, 10)
    _act(worked, "pause", area_staff, 20, reason="Falta su identificación")
    _act(worked, "resume", area_staff, 30)
    _act(worked, "resolve", area_staff, 40, resolution="Se corrigió la descarga.")
    _act(worked, "reopen", area_staff, 50, reason="Sigue fallando")
    _act(worked, "resolve", area_staff, 60, resolution="Ahora sí.")
    _act(worked, "close", area_staff, 70)
    moved = _intake(agent, description="Otra queja digital.")
    case_route(moved.pk, RECEIVED)
    _act(moved, "transfer", area_staff, 5, directorate="CARTERA", reason="Es de cartera")
    _act(moved, "cancel", area_staff, 6, reason="Duplicado")
    new = _intake(agent, description="Aún sin turnar.")

    # Then none of them has a problem
    assert case_timeline_problems([worked.pk, moved.pk, new.pk]) == {}
    assert CaseEvent.objects.filter(case=worked).count() == 9


@pytest.mark.django_db
def test_a_case_without_events_or_whose_status_differs_is_reported(agent):
    case = _intake(agent)
    Case.objects.filter(pk=case.pk).update(status="cancelled")  # behind the services' back

    assert case_timeline_problems([case.pk, 0]) == {
        case.pk: ["the timeline ends at 'new' but the case is 'cancelled'"],
        0: ["no such case"],
    }


CREATED = TimelineEvent("created", "new", {"channel": "MICUENTA"})
ROUTED = TimelineEvent("routed", "assigned", {"from": "new", "to": "assigned"})
TAKE = TimelineEvent(
    "status_changed", "in_progress", {"action": "take", "from": "assigned", "to": "in_progress"}
)


def test_a_valid_sequence_has_no_problem():
    assert timeline_problems([CREATED, ROUTED, TAKE], "in_progress") == []


@pytest.mark.parametrize(
    ("events", "status", "problem"),
    [
        ([], "new", "no events"),
        ([ROUTED], "assigned", "the first event is 'routed', not 'created'"),
        ([CREATED, ROUTED, ROUTED], "assigned", "2 'routed' events"),
        ([CREATED, CREATED], "new", "2 'created' events"),
        (
            [CREATED, TAKE],
            "in_progress",
            "event 2 (status_changed): take from status 'new', which the transitions table does not allow",
        ),
        (
            [
                CREATED,
                ROUTED,
                TimelineEvent(
                    "status_changed",
                    "resolved",
                    {"action": "take", "from": "assigned", "to": "resolved"},
                ),
            ],
            "resolved",
            "event 3 (status_changed): take records to='resolved', expected 'in_progress'",
        ),
        (
            [CREATED, ROUTED, TimelineEvent("commented", "new", {})],
            "assigned",
            "event 3 (commented): records status 'new' but the replay reached 'assigned'",
        ),
        (
            [CREATED, ROUTED],
            "in_progress",
            "the timeline ends at 'assigned' but the case is 'in_progress'",
        ),
        (
            [CREATED, TimelineEvent("assigned", "new", {"strategy": "round_robin"})],
            "new",
            "event 2 (assigned): an automatic assignment that does not follow routing",
        ),
        (
            [TimelineEvent("created", "resolved", {}), ROUTED],
            "assigned",
            "event 1 (created): created resolved without a resolution at intake",
        ),
        (
            [
                CREATED,
                TimelineEvent("notified", "new", {"template": "acuse", "event": 1}),
                TimelineEvent("notified", "new", {"template": "acuse", "event": 1}),
            ],
            "new",
            "notice 'acuse' for event 1 recorded 2 times",
        ),
        (
            [CREATED, TimelineEvent("escaped", "new", {})],
            "new",
            "event 2 (escaped): unknown kind 'escaped'",
        ),
    ],
)
def test_an_impossible_sequence_is_named(events, status, problem):
    assert problem in timeline_problems(events, status)


def test_a_resolution_at_intake_is_valid_only_right_after_the_creation():
    resolved = TimelineEvent("created", "resolved", {"first_contact_resolution": True})
    at_intake = TimelineEvent(
        "status_changed", "resolved", {"action": "resolve", "from": "new", "to": "resolved"}
    )
    assert timeline_problems([resolved, at_intake], "resolved") == []
    assert timeline_problems([CREATED, ROUTED, at_intake], "resolved") == [
        "event 3 (status_changed): a resolution at intake that does not follow the creation"
    ]
