"""The indicator engine on known histories: every metric, rollups and the live correction."""

import datetime as dt

import pytest

from cases.events import Actor
from indicators.models import DailyChannelRollup, DailyRollup, RollupState
from indicators.selectors import indicator_cases, indicator_filters, indicators_compute
from indicators.services import indicators_rebuild, indicators_refresh

from .support import WED, act, new_case, respond, survey

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
DAY = dt.date(2026, 11, 18)
LATER = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(agent, area_staff):  # type: ignore[no-untyped-def]
    """Three cases received on Wed 18 Nov 2026 (MICUENTA) plus one resolved at intake."""
    staff, desk = Actor(user=area_staff), Actor(user=agent)
    a = new_case(desk, WED)  # queja, routed to OPERACIONES_QUEJAS
    act(a, "take", staff, WED + H)
    respond(a, staff, WED + 2 * H)
    act(a, "resolve", staff, WED + 3 * H)  # 3 open hours, within SLA
    survey(a, WED + 4 * H, csat=5, nps=10)
    b = new_case(desk, WED)
    act(b, "take", staff, WED + H)
    act(b, "pause", staff, WED + H)
    act(b, "resume", staff, WED + 3 * H)  # 2 open hours waiting
    act(b, "resolve", staff, WED + 5 * H)  # 5 − 2 = 3 open hours
    act(b, "reopen", staff, WED + 6 * H)
    survey(b, WED + 7 * H, csat=2, nps=3)
    new_case(desk, WED)  # stays open (assigned)
    new_case(
        desk, WED, service="PRECALIFICACION", resolution="Tiene 1,200 puntos."
    )  # first-contact
    return a, b


def _one(rows):  # type: ignore[no-untyped-def]
    assert len(rows) == 1
    return rows[0]


def test_every_metric_of_a_day(history):
    indicators_refresh(LATER)

    row = _one(indicators_compute(DAY, DAY, now=LATER).rows)

    assert row == {
        "received": 4,
        "complaints_per_1000": 750.0,
        "resolutions": 3,
        "resolved_within_sla": 3,
        "sla_compliance_pct": 100.0,
        "first_responses": 3,
        "first_responses_within_sla": 3,
        "first_response_compliance_pct": 100.0,
        "resolution_hours_avg": 2.0,
        "resolution_hours_p50": 3.25,
        "resolution_hours_p90": 3.75,
        "fcr_pct": 33.33,
        "reopen_pct": 33.33,
        "backlog": 2,
        "backlog_breached": 0,
        "survey_responses": 2,
        "csat_pct": 50.0,
        "csat_avg": 3.5,
        "nps": 0.0,
    }


def test_the_live_correction_equals_a_refresh(history, agent):
    indicators_refresh(LATER)
    new_case(Actor(user=agent), WED + 8 * H)  # after the refresh: only the live path sees it
    live = indicators_compute(DAY, DAY, ["channel", "directorate"], now=LATER).rows

    indicators_refresh(LATER)

    assert indicators_compute(DAY, DAY, ["channel", "directorate"], now=LATER).rows == live
    assert sum(r["received"] for r in live) == 5


def test_groups_by_directorate_count_where_the_case_was_routed(history):
    indicators_refresh(LATER)

    rows = indicators_compute(DAY, DAY, ["directorate", "area"], now=LATER).rows

    assert [(r["directorate"], r["area"], r["received"], r["resolutions"]) for r in rows] == [
        ("CREDITO", "CREDITO_ORIENTACION", 1, 1),
        ("OPERACIONES", "OPERACIONES_QUEJAS", 3, 2),
    ]


def test_backlog_by_day_follows_the_cases(history):
    indicators_refresh(LATER)

    rows = indicators_compute(
        DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1), ["day"], now=LATER
    ).rows

    assert [(r["day"], r["received"], r["backlog"]) for r in rows] == [
        ("2026-11-18", 4, 2),
        ("2026-11-19", 0, 2),
    ]


def test_the_cases_behind_a_number(history):
    _a, b = history
    indicators_refresh(LATER)

    reopened = indicator_cases("reopen_pct", DAY, DAY, {"channel": "MICUENTA"}, now=LATER)
    fcr = indicator_cases("fcr_pct", DAY, DAY, {}, now=LATER)

    assert list(reopened.values_list("folio", flat=True)) == [b.folio]
    assert list(fcr.values_list("service__code", flat=True)) == ["PRECALIFICACION"]
    assert indicator_cases("backlog", DAY, DAY, {}, now=LATER).count() == 2


def test_rebuild_equals_refresh(history):
    indicators_refresh(LATER)
    before = indicators_compute(DAY, DAY, ["service"], now=LATER).rows
    rollups = DailyRollup.objects.count(), DailyChannelRollup.objects.count()

    report = indicators_rebuild(LATER)

    assert report.cases == 4
    assert indicators_compute(DAY, DAY, ["service"], now=LATER).rows == before
    assert (DailyRollup.objects.count(), DailyChannelRollup.objects.count()) == rollups
    assert RollupState.objects.get().rebuilt_at == LATER


def test_filters_restrict_the_rows(history):
    indicators_refresh(LATER)

    rows = indicators_compute(
        DAY, DAY, [], indicator_filters(service=["PRECALIFICACION"]), now=LATER
    ).rows

    assert _one(rows)["received"] == 1


def test_the_cases_behind_a_number_include_events_not_yet_refreshed(history, agent, area_staff):
    _a, b = history
    indicators_refresh(LATER)
    late = new_case(Actor(user=agent), WED + 8 * H)  # after the refresh
    act(b, "resolve", Actor(user=area_staff), WED + 8 * H)  # leaves the backlog

    received = indicator_cases("received", DAY, DAY, {"directorate": "OPERACIONES"}, now=LATER)
    backlog = indicator_cases("backlog", DAY, DAY, {}, now=LATER)
    counted = indicators_compute(DAY, DAY, ["directorate"], now=LATER).rows

    assert late.pk in set(received.values_list("pk", flat=True))
    assert (
        received.count()
        == next(r["received"] for r in counted if r["directorate"] == "OPERACIONES")
        == 4
    )
    assert b.pk not in set(backlog.values_list("pk", flat=True))
    assert backlog.count() == sum(r["backlog"] for r in counted) == 2
