"""Every writer appends no earlier than the case's last event.

A writer reads its clock, then waits for the case's row lock; a change committed meanwhile
(a notice, an action) may carry a later instant. Appending "before" it would make the
timeline's status replay run backwards (the short soak caught routing doing so after an
acknowledgement notice), so each writer acts at the later of its clock and the last event.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.events import SYSTEM, Actor, event_record
from cases.models import Case, CaseEvent, EventKind
from cases.routing.engine import case_route
from cases.services import TransitionInput, case_transition, comment_add
from cases.sla.monitor import sla_monitor_run
from cases.timeline_check import case_timeline_problems
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)


def _new_case(agent, *, route: bool = False) -> Case:
    return make_case(Actor(user=agent), route=route, now=RECEIVED, received_at=RECEIVED)


def _last(case: Case, kind: str) -> CaseEvent:
    return CaseEvent.objects.filter(case=case, kind=kind).order_by("-at", "-id").first()


def test_routing_that_waited_behind_a_notice_is_recorded_after_it(agent):
    case = _new_case(agent)
    notice_at = RECEIVED + dt.timedelta(seconds=5)
    # The acknowledgement task locked the new case first and recorded its notice.
    event_record(case, EventKind.NOTIFIED, SYSTEM, notice_at, {"template": "acknowledgement"})

    routed = case_route(case.pk, RECEIVED + dt.timedelta(seconds=1))

    assert routed is not None
    assert _last(case, "routed").at == notice_at
    assert routed.routed_at == notice_at
    assert case_timeline_problems([case.pk]) == {}


def test_a_comment_whose_clock_was_read_before_a_take_follows_the_take(agent, area_staff):
    case = _new_case(agent, route=True)
    taken_at = RECEIVED + dt.timedelta(minutes=10)
    case_transition(case.folio, TransitionInput(action="take"), Actor(user=area_staff), taken_at)

    comment_add(
        case.folio,
        "Reviso su caso.",
        False,
        Actor(user=area_staff),
        RECEIVED + dt.timedelta(minutes=5),
    )

    commented = _last(case, "commented")
    assert commented.at == taken_at
    assert commented.status == "in_progress"
    assert case_timeline_problems([case.pk]) == {}


def test_a_monitor_pass_that_started_before_a_comment_records_its_warning_after_it(
    agent, area_staff
):
    case = _new_case(agent, route=True)
    commented_at = case.warn_at + dt.timedelta(minutes=10)
    comment_add(case.folio, "Reviso su caso.", False, Actor(user=area_staff), commented_at)

    report = sla_monitor_run(case.warn_at + dt.timedelta(minutes=1))

    assert report.warned == 1
    assert _last(case, "sla_warning").at == commented_at
    assert case_timeline_problems([case.pk]) == {}


def test_a_writer_with_a_later_clock_keeps_its_own_instant(agent):
    case = _new_case(agent)
    later = RECEIVED + dt.timedelta(minutes=3)

    routed = case_route(case.pk, later)

    assert routed is not None
    assert _last(case, "routed").at == later
