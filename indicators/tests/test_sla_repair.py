"""Indicators after a calendar change (ADR 0014): a case counts by the due it had at each moment —
the old one before the repair, the recomputed one after it (SPEC §7)."""

import datetime as dt

import pytest

from cases.events import Actor
from cases.sla.repair import sla_repair_continue, sla_repair_start
from channels.models import BusinessCalendar, CalendarException
from indicators.selectors import indicators_compute
from indicators.services import indicators_refresh

from .support import MX, act, new_case

pytestmark = pytest.mark.django_db
# A queja received Friday 13 Nov 2026 10:00 is due Monday 7 Dec 18:00 on INSTITUCIONAL; with
# 17–19 Nov suspended it is due Thursday 10 Dec 18:00. The repair runs on 8 Dec at 10:00.
RECEIVED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MX)
REPAIRED = dt.datetime(2026, 12, 8, 10, 0, tzinfo=MX)
LATER = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)


def test_counts_use_the_due_of_each_moment(agent, area_staff):
    staff, desk = Actor(user=area_staff), Actor(user=agent)
    case = new_case(desk, RECEIVED, service="QUEJA_CANALES_DIGITALES", channel="MICUENTA")
    assert case.resolution_due_at == dt.datetime(2026, 12, 7, 18, 0, tzinfo=MX)
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    for day in (17, 18, 19):
        CalendarException.objects.create(
            calendar=calendar, date=dt.date(2026, 11, day), name="Huracán"
        )
    run = sla_repair_start(calendar, "Suspensión", REPAIRED)
    sla_repair_continue(run, lambda: REPAIRED)
    act(case, "resolve", staff, dt.datetime(2026, 12, 9, 10, 0, tzinfo=MX), resolution="Listo.")

    for refreshed in (False, True):
        if refreshed:
            indicators_refresh(LATER)
        # On 7 December the old due had passed: late in that day's backlog.
        day = dt.date(2026, 12, 7)
        (row,) = indicators_compute(day, day, now=LATER).rows
        assert (row["backlog"], row["backlog_breached"]) == (1, 1)
        # Resolved on 9 December, before the recomputed due: within SLA.
        day = dt.date(2026, 12, 9)
        (row,) = indicators_compute(day, day, now=LATER).rows
        assert (row["resolutions"], row["resolved_within_sla"]) == (1, 1)
