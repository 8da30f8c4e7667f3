"""Indicators count an extended term by its new due: a resolution inside the extension is within
SLA, and a case inside it is not in the breached backlog — in the rollups and live."""

import datetime as dt

import pytest

from cases.events import Actor
from indicators.selectors import indicator_cases, indicators_compute
from indicators.services import indicators_refresh

from .support import MX, WED, act, new_case

pytestmark = pytest.mark.django_db
# A data correction received Wednesday 18 Nov 2026 10:00 is due on the 20th business day after
# it, Wednesday 16 Dec 18:00; extended by 10 business days (25 Dec is a holiday): Thursday 31 Dec.
AFTER_FIRST_DUE = dt.date(2026, 12, 17)
LATER = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)


def _correction(desk: Actor):  # type: ignore[no-untyped-def]
    return new_case(desk, WED, service="CORRECCION_DATOS")


def test_an_extended_term_counts_by_its_new_due(agent, area_staff):
    staff, desk = Actor(user=area_staff), Actor(user=agent)
    extended = _correction(desk)
    act(extended, "extend", staff, dt.datetime(2026, 12, 1, 10, 0, tzinfo=MX))
    plain = _correction(desk)
    resolved = _correction(desk)
    act(resolved, "extend", staff, dt.datetime(2026, 12, 1, 11, 0, tzinfo=MX))
    act(resolved, "resolve", staff, dt.datetime(2026, 12, 18, 10, 0, tzinfo=MX))
    # Reopened and paused afterwards: the engine replays the dues up to the resolution.
    act(resolved, "reopen", staff, dt.datetime(2026, 12, 18, 11, 0, tzinfo=MX))
    act(resolved, "pause", staff, dt.datetime(2026, 12, 18, 12, 0, tzinfo=MX))
    act(resolved, "resume", staff, dt.datetime(2026, 12, 18, 13, 0, tzinfo=MX))
    assert extended.resolution_due_at < dt.datetime(2026, 12, 17, tzinfo=MX)

    for refreshed in (False, True):
        if refreshed:
            indicators_refresh(LATER)
        # The day after the first due: both open cases in the backlog, only the plain one late.
        (row,) = indicators_compute(AFTER_FIRST_DUE, AFTER_FIRST_DUE, now=LATER).rows
        assert (row["backlog"], row["backlog_breached"]) == (3, 1)
        late = indicator_cases("backlog_breached", AFTER_FIRST_DUE, AFTER_FIRST_DUE, {}, now=LATER)
        assert list(late.values_list("pk", flat=True)) == [plain.pk]
        # Resolved inside the extension: within SLA.
        day = dt.date(2026, 12, 18)
        (row,) = indicators_compute(day, day, now=LATER).rows
        assert (row["resolutions"], row["resolved_within_sla"]) == (1, 1)


def test_a_reclassification_that_drops_the_extension_counts_the_new_terms(agent, area_staff):
    staff, desk = Actor(user=area_staff), Actor(user=agent)
    case = _correction(desk)
    act(case, "extend", staff, dt.datetime(2026, 12, 1, 10, 0, tzinfo=MX))
    # Restructuring (20 + 10 as well) keeps it; general advice (no extension) drops it.
    act(
        case,
        "reclassify",
        staff,
        dt.datetime(2026, 12, 2, 10, 0, tzinfo=MX),
        service="REESTRUCTURA",
    )
    act(case, "reclassify", staff, dt.datetime(2026, 12, 3, 10, 0, tzinfo=MX),
        service="ASESORIA_PRODUCTO_CREDITO")  # fmt: skip

    for refreshed in (False, True):
        if refreshed:
            indicators_refresh(LATER)
        (row,) = indicators_compute(AFTER_FIRST_DUE, AFTER_FIRST_DUE, now=LATER).rows
        assert (row["backlog"], row["backlog_breached"]) == (1, 1)
        # On 2 December the extension still held (due 31 Dec): open, not late.
        day = dt.date(2026, 12, 2)
        (row,) = indicators_compute(day, day, now=LATER).rows
        assert (row["backlog"], row["backlog_breached"]) == (1, 0)
