"""The beat task and the rebuild command keep the rollups in step with the event log."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cases.events import Actor
from indicators.models import DailyRollup, IndicatorFact, RollupState
from indicators.selectors import indicators_compute
from indicators.services import indicators_refresh
from indicators.tasks import refresh_indicators

from .support import WED, act, new_case

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 18)
LATER = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_the_task_reads_only_new_events_and_is_idempotent(agent):
    case = new_case(Actor(user=agent), WED)

    assert refresh_indicators.delay().get() == 1
    first = list(IndicatorFact.objects.values_list("case_id", "metric"))
    assert refresh_indicators.delay().get() <= 1  # only the late-commit margin re-reads it
    assert (
        list(IndicatorFact.objects.values_list("case_id", "metric"))
        == first
        == [(case.pk, "received")]
    )

    act(case, "resolve", Actor(user=agent), WED + dt.timedelta(hours=2))
    report = indicators_refresh(LATER)

    assert report.cases == 1
    assert sorted(IndicatorFact.objects.values_list("metric", flat=True)) == [
        "first_response",
        "received",
        "resolution",
    ]
    assert RollupState.objects.get().watermark == report.watermark


def test_rebuild_prints_progress_and_matches_the_refresh(agent):
    new_case(Actor(user=agent), WED)
    indicators_refresh(LATER)
    refreshed = indicators_compute(DAY, DAY, ["day", "channel"], now=LATER).rows
    DailyRollup.objects.all().delete()

    out = io.StringIO()
    call_command("rebuild_indicators", stdout=out)

    assert "casos 1/1" in out.getvalue()
    assert "Listo: 1 casos" in out.getvalue()
    assert indicators_compute(DAY, DAY, ["day", "channel"], now=LATER).rows == refreshed


def test_a_large_backlog_of_events_is_read_in_bounded_steps(agent, monkeypatch):
    # Given three cases (two events each: created, routed) and steps of four events
    monkeypatch.setattr("indicators.services.MAX_EVENTS_PER_REFRESH", 4)
    for _ in range(3):
        new_case(Actor(user=agent), WED)

    # When the beat runs twice
    first = indicators_refresh(LATER)
    second = indicators_refresh(LATER + dt.timedelta(minutes=1))

    # Then the first run read two cases, the second the last one, and nothing is left
    assert (first.cases, second.cases) == (2, 1)
    assert indicators_compute(DAY, DAY, now=LATER).rows[0]["received"] == 3
    assert IndicatorFact.objects.filter(metric="received").count() == 3
