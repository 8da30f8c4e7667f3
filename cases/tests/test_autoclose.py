"""Auto-close (SPEC §4): resolved cases close themselves once the reopen window has passed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

from cases import tasks
from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.services.autoclose import cases_auto_close
from contacts.services import ContactInput
from infonavit_atencion.core.errors import InvalidTransition

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 9, 0, tzinfo=MX)
# Resolved Wednesday 18 Nov 2026 11:00 on INSTITUCIONAL (Mon–Fri 09:00–18:00): the 10 business
# days strictly after are 19, 20, 23–27, 30 Nov, 1 and 2 Dec → the window ends Wed 2 Dec 18:00.
RESOLVED = dt.datetime(2026, 11, 18, 11, 0, tzinfo=MX)
WINDOW_END = dt.datetime(2026, 12, 2, 18, 0, tzinfo=MX)


def _resolved_case(agent, area_staff, resolved_at=RESOLVED) -> Case:
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
    case_route(case.pk, RECEIVED)
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    return case_transition(
        case.folio,
        TransitionInput("resolve", resolution="Se corrigió la descarga."),
        Actor(user=area_staff),
        resolved_at,
    )


def test_only_cases_past_the_exact_window_close_each_with_one_system_event(agent, area_staff):
    assert django_settings.REOPEN_WINDOW_BUSINESS_DAYS == 10
    past = _resolved_case(agent, area_staff)
    # Resolved a day later: its window ends Thursday 3 Dec 18:00, so it is still inside.
    inside = _resolved_case(agent, area_staff, RESOLVED + dt.timedelta(days=1))
    now = WINDOW_END + dt.timedelta(seconds=1)

    closed = cases_auto_close(now)

    assert closed == 1
    past.refresh_from_db()
    inside.refresh_from_db()
    assert (past.status, past.closed_at, past.version) == ("closed", now, 5)
    assert inside.status == "resolved"
    event = CaseEvent.objects.filter(case=past).latest("id")
    assert event.kind == "status_changed"
    assert event.data == {"action": "close", "from": "resolved", "to": "closed"}
    assert event.at == now
    assert (event.actor_user, event.actor_client) == (None, None)
    assert CaseEvent.objects.filter(case=inside, data__action="close").count() == 0


def test_at_the_last_instant_of_the_window_the_case_stays_resolved_and_can_still_reopen(
    agent, area_staff
):
    case = _resolved_case(agent, area_staff)

    assert cases_auto_close(WINDOW_END) == 0

    case.refresh_from_db()
    assert case.status == "resolved"
    reopened = case_transition(
        case.folio,
        TransitionInput("reopen", reason="Sigue fallando"),
        Actor(user=area_staff),
        WINDOW_END,
    )
    assert reopened.status == "in_progress"


def test_a_second_run_closes_nothing_and_a_closed_case_cannot_be_reopened(agent, area_staff):
    case = _resolved_case(agent, area_staff)
    now = WINDOW_END + dt.timedelta(hours=1)
    assert cases_auto_close(now) == 1
    events = CaseEvent.objects.filter(case=case).count()

    assert cases_auto_close(now + dt.timedelta(hours=1)) == 0

    assert CaseEvent.objects.filter(case=case).count() == events
    with pytest.raises(InvalidTransition):
        case_transition(
            case.folio, TransitionInput("reopen", reason="Tarde"), Actor(user=area_staff), now
        )


def test_a_case_resolved_late_in_the_day_closes_as_soon_as_a_one_day_window_ends(
    agent, area_staff, settings
):
    # Resolved Wednesday 23:30 with a one-business-day window: it ends Thursday 18:00, under a
    # full day later, so the candidate query must not wait for 24 hours to have passed.
    settings.REOPEN_WINDOW_BUSINESS_DAYS = 1
    case = _resolved_case(agent, area_staff, dt.datetime(2026, 11, 18, 23, 30, tzinfo=MX))
    window_end = dt.datetime(2026, 11, 19, 18, 0, tzinfo=MX)

    assert cases_auto_close(window_end) == 0
    assert cases_auto_close(window_end + dt.timedelta(seconds=1)) == 1

    case.refresh_from_db()
    assert case.status == "closed"


def test_the_beat_task_closes_with_the_current_time(agent, area_staff, monkeypatch):
    case = _resolved_case(agent, area_staff)
    monkeypatch.setattr(tasks.timezone, "now", lambda: WINDOW_END + dt.timedelta(minutes=5))

    assert tasks.close_resolved_cases.delay().get() == 1

    case.refresh_from_db()
    assert case.status == "closed"
    assert (
        django_settings.CELERY_BEAT_SCHEDULE["close-resolved"]["task"]
        == "cases.tasks.close_resolved_cases"
    )
