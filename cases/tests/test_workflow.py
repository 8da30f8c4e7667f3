"""Lifecycle (SPEC §4) and the SLA while a case waits (SPEC §6)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import TRANSITIONS, CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput
from infonavit_atencion.core.errors import InvalidTransition, PreconditionFailed, ValidationFailed

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
# Wednesday 18 Nov 2026 10:00 in Mexico City, a digital queja on the INSTITUCIONAL calendar
# (Mon–Fri 09:00–18:00): 15 business days strictly after → 19,20,23,24,25,26,27,30 Nov,
# 1,2,3,4,7,8,9 Dec → due Wednesday 9 Dec 18:00 (UTC−6 → 10 Dec 00:00 UTC).
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
DUE = dt.datetime(2026, 12, 10, 0, 0, tzinfo=dt.UTC)


def _routed_case(agent) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431"),
            description="La página falla al descargar mi constancia.",
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    routed = case_route(case.pk, RECEIVED)
    assert routed is not None
    return routed


def _act(case, action, user, at, **kwargs) -> Case:
    return case_transition(
        case.folio, TransitionInput(action=action, **kwargs), Actor(user=user), at
    )


def test_the_snapshot_due_instant(agent):
    case = _routed_case(agent)
    assert case.sla_calendar.code == "INSTITUCIONAL"
    assert case.resolution_due_at == DUE


def test_a_case_lives_its_whole_life_and_every_step_is_in_the_timeline(agent, area_staff):
    case = _routed_case(agent)
    t = RECEIVED + dt.timedelta(hours=1)
    case = _act(case, "take", area_staff, t)
    assert (case.status, case.assignee) == ("in_progress", area_staff)
    case = _act(case, "pause", area_staff, t, reason="Falta su identificación")
    case = _act(case, "resume", area_staff, t + dt.timedelta(minutes=30))
    case = _act(
        case,
        "resolve",
        area_staff,
        t + dt.timedelta(hours=1),
        resolution="Se corrigió la descarga.",
    )
    assert (case.status, case.sla_state) == ("resolved", "met")
    case = _act(case, "close", area_staff, t + dt.timedelta(days=1))
    assert case.status == "closed"
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", "data__action")
    )
    assert kinds == [
        ("created", None),
        ("routed", None),
        ("status_changed", "take"),
        ("status_changed", "pause"),
        ("status_changed", "resume"),
        ("status_changed", "resolve"),
        ("status_changed", "close"),
    ]
    assert case.version == 7


def test_a_pause_across_a_weekend_extends_the_terms_by_the_open_time_waited(agent, area_staff):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    # Paused Friday 20 Nov 17:00 → resumed Monday 23 Nov 10:00: open time waited =
    # Friday 17:00–18:00 (1 h) + Monday 09:00–10:00 (1 h) = 2 business hours.
    paused = dt.datetime(2026, 11, 20, 17, 0, tzinfo=MX)
    resumed = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MX)
    case = _act(case, "pause", area_staff, paused, reason="Esperamos su documento")
    assert (case.status, case.sla_state) == ("waiting", "paused")
    warn_before = case.warn_at

    case = _act(case, "resume", area_staff, resumed)

    # Due Wednesday 9 Dec 18:00 + 2 business hours = Thursday 10 Dec 11:00 (17:00 UTC).
    assert case.resolution_due_at == dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)
    assert case.warn_at > warn_before and case.warn_at.microsecond == 0
    assert case.paused_open_seconds == 2 * 3600
    assert case.paused_seconds == int((resumed - paused).total_seconds())
    resume = CaseEvent.objects.filter(case=case, data__action="resume").get()
    assert resume.data["paused_open_seconds"] == 7200


def test_a_pause_wholly_outside_open_time_extends_nothing(agent, area_staff):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    due = case.resolution_due_at
    # Saturday 21 Nov 10:00 → Sunday 22 Nov 20:00: no open time in between.
    case = _act(
        case, "pause", area_staff, dt.datetime(2026, 11, 21, 10, 0, tzinfo=MX), reason="Espera"
    )
    case = _act(case, "resume", area_staff, dt.datetime(2026, 11, 22, 20, 0, tzinfo=MX))
    assert case.resolution_due_at == due


def test_a_case_resolved_after_due_is_breached(agent, area_staff):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    case = _act(case, "resolve", area_staff, DUE + dt.timedelta(seconds=1), resolution="Tarde.")
    assert case.sla_state == "breached"


def test_transfer_clears_the_assignee_keeps_the_clock_and_counts(agent, area_staff):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    due = case.resolution_due_at
    case = _act(
        case,
        "transfer",
        area_staff,
        RECEIVED,
        area="CARTERA_COBRANZA",
        reason="Es un tema de pagos",
    )
    assert (case.status, case.assignee, case.area.code, case.directorate.code) == (
        "assigned",
        None,
        "CARTERA_COBRANZA",
        "CARTERA",
    )
    assert case.transfer_count == 1
    assert case.resolution_due_at == due
    event = CaseEvent.objects.get(case=case, kind="transferred")
    assert event.data["to_area"] == "CARTERA_COBRANZA"
    assert event.area.code == "CARTERA_COBRANZA"


def test_reclassify_recomputes_the_terms_from_received_at(agent, area_staff):
    case = _routed_case(agent)
    case = _act(
        case,
        "reclassify",
        area_staff,
        RECEIVED + dt.timedelta(days=1),
        service="SOLICITUD_INFORMACION",
    )
    assert case.service.code == "SOLICITUD_INFORMACION"
    assert case.kind == case.service.kind
    # INFORMACION_5DH: 5 business days strictly after Wed 18 Nov → 19,20,23,24,25 → Wed 25 Nov 18:00.
    assert case.resolution_due_at == dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)
    assert case.sla_resolution_value == 5
    event = CaseEvent.objects.get(case=case, kind="reclassified")
    assert event.data == {
        "action": "reclassify",
        "from": "assigned",
        "to": "assigned",
        "from_service": "QUEJA_CANALES_DIGITALES",
        "to_service": "SOLICITUD_INFORMACION",
    }


def test_reopen_within_the_window_and_not_after(agent, area_staff):
    case = _act(
        _act(_routed_case(agent), "take", area_staff, RECEIVED),
        "resolve",
        area_staff,
        RECEIVED,
        resolution="Listo.",
    )
    reopened = _act(
        case, "reopen", area_staff, RECEIVED + dt.timedelta(days=3), reason="No quedó resuelto"
    )
    assert (reopened.status, reopened.reopen_count, reopened.resolved_at) == (
        "in_progress",
        1,
        None,
    )
    again = _act(
        reopened, "resolve", area_staff, RECEIVED + dt.timedelta(days=4), resolution="Ahora sí."
    )
    with pytest.raises(InvalidTransition):
        _act(again, "reopen", area_staff, RECEIVED + dt.timedelta(days=40), reason="Tarde")


@pytest.mark.parametrize(
    ("action", "kwargs", "field"),
    [
        ("pause", {}, "reason"),
        ("cancel", {}, "reason"),
        ("transfer", {"area": "CARTERA_COBRANZA"}, "reason"),
        ("transfer", {"reason": "x"}, "area"),
        ("resolve", {}, "resolution"),
        ("assign", {"assignee": "nadie"}, "assignee"),
        ("reclassify", {"service": "NO_EXISTE"}, "service"),
        ("frobnicate", {}, "action"),
    ],
)
def test_a_missing_or_wrong_argument_is_refused_and_changes_nothing(
    agent, area_staff, action, kwargs, field
):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    before = Case.objects.values().get(pk=case.pk)
    events = CaseEvent.objects.count()

    with pytest.raises(ValidationFailed) as refusal:
        _act(case, action, area_staff, RECEIVED, **kwargs)

    assert refusal.value.errors[0].field == field
    assert Case.objects.values().get(pk=case.pk) == before
    assert CaseEvent.objects.count() == events


STATUSES = ["new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled"]


@pytest.mark.parametrize(
    ("action", "status"),
    [(a, s) for a, (allowed, _to) in TRANSITIONS.items() for s in STATUSES if s not in allowed],
)
def test_every_action_from_a_status_that_does_not_allow_it_is_refused(
    agent, area_staff, action, status
):
    case = _routed_case(agent)
    fields = {"status": status, "paused_at": RECEIVED if status == "waiting" else None}
    if status in ("resolved", "closed"):
        fields |= {"resolution": "Hecho.", "resolved_at": RECEIVED}
    if status == "new":
        fields |= {"directorate": None, "area": None}
    Case.objects.filter(pk=case.pk).update(**fields)
    before = Case.objects.values().get(pk=case.pk)

    with pytest.raises(InvalidTransition):
        _act(
            case,
            action,
            area_staff,
            RECEIVED,
            reason="x",
            resolution="x",
            area="CARTERA_COBRANZA",
            service="SOLICITUD_INFORMACION",
        )

    assert Case.objects.values().get(pk=case.pk) == before


def test_a_stale_version_is_refused(agent, area_staff):
    case = _routed_case(agent)
    with pytest.raises(PreconditionFailed):
        case_transition(
            case.folio,
            TransitionInput(action="take"),
            Actor(user=area_staff),
            RECEIVED,
            expected_version=1,
        )
    assert Case.objects.get(pk=case.pk).status == "assigned"
