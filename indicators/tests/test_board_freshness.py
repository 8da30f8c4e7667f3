"""The board's cost does not grow with the refresh backlog (issue 17), and it says how fresh it is.

Up to INDICATORS_BOARD_LIVE_CASES unread cases the board corrects for live (exact, "datos al"
now); past that it shows the last refresh, says so and asks for a refresh; a range the backlog
cannot touch is exact from the rollups alone. The API stays exact whatever the backlog.
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.events import Actor
from cases.models import CaseEvent
from indicators import tasks
from indicators.dashboard import GROUP_COLUMNS, TREND_COLUMNS
from indicators.models import RollupState
from indicators.selectors import indicators_compute
from indicators.services import indicators_refresh

from .support import WED, act, new_case

pytestmark = pytest.mark.django_db
THU = WED + dt.timedelta(days=1)
DAY = "from=2026-11-18&to=2026-11-19"
WED_ONLY = "from=2026-11-18&to=2026-11-18"


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    """Refreshes the board asked for (recorded, not run)."""
    cache.delete(tasks.REFRESH_REQUESTED_KEY)
    calls: list = []
    monkeypatch.setattr(tasks, "enqueue_now", lambda task, *args: calls.append(task) or True)
    return calls


@pytest.fixture
def backlog(agent):  # type: ignore[no-untyped-def]
    """Two cases on Wednesday read by a refresh; then a Thursday case resolved and a Thursday
    case received, which the refresh has not read (two cases in the backlog)."""
    desk = Actor(user=agent)
    resolved = new_case(desk, WED)
    act(resolved, "resolve", desk, WED + dt.timedelta(minutes=30))
    new_case(desk, WED + dt.timedelta(hours=1))
    indicators_refresh(timezone.now())
    later = new_case(desk, THU)
    act(later, "resolve", desk, THU + dt.timedelta(hours=1))
    new_case(desk, THU + dt.timedelta(hours=2))
    return RollupState.objects.get(pk=1)


def _board(client, user, query):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(f"/tablero/?{query}")
    assert response.status_code == 200
    return response


def _numbers(board):  # type: ignore[no-untyped-def]
    return {c.metric: c.value for c in board.total.cells}


def _exact(date_from, date_to):  # type: ignore[no-untyped-def]
    row = indicators_compute(date_from, date_to, (), now=timezone.now()).rows[0]
    return {m: row[m] for m in GROUP_COLUMNS}


def test_a_backlog_within_the_limit_is_corrected_for_live(client, supervisor, backlog, queued):
    response = _board(client, supervisor, DAY)
    board = response.context["board"]
    assert board.freshness.live
    assert board.freshness.as_of == board.now
    assert _numbers(board) == _exact(WED.date(), THU.date())
    assert (_numbers(board)["received"], _numbers(board)["resolutions"]) == (4, 2)
    assert "última actualización" not in response.content.decode()
    assert queued == []


def test_past_the_limit_the_board_shows_the_last_refresh_and_asks_for_one(
    client, supervisor, backlog, queued, settings
):
    settings.INDICATORS_BOARD_LIVE_CASES = 1
    response = _board(client, supervisor, DAY)
    board = response.context["board"]
    assert not board.freshness.live
    assert board.freshness.as_of == backlog.refreshed_at
    # The refreshed Wednesday only: two received, one resolved, both still counted open.
    numbers = _numbers(board)
    assert (numbers["received"], numbers["resolutions"], numbers["backlog"]) == (2, 1, 1)
    html = response.content.decode()
    local = timezone.localtime(backlog.refreshed_at).strftime("%H:%M")
    assert "datos al" in html and local in html
    assert "última actualización de los indicadores" in html
    assert queued == [tasks.refresh_indicators]
    # The trend and the goals say the same; one refresh is asked for, however many views.
    trend = client.get(board.trend_url)
    assert not trend.context["section"].freshness.live
    days = {
        row.code: {c.metric: c.value for c in row.cells} for row in trend.context["section"].rows
    }
    assert days["2026-11-19"] == dict.fromkeys(TREND_COLUMNS, 0) | {
        "backlog": 1,
        "backlog_breached": days["2026-11-19"]["backlog_breached"],
        "sla_compliance_pct": None,
    }
    assert "última actualización de los indicadores" in trend.content.decode()
    assert not client.get(board.goals_url).context["section"].freshness.live
    assert queued == [tasks.refresh_indicators]


def test_the_api_stays_exact_past_the_limit(client, backlog, settings):
    settings.INDICATORS_BOARD_LIVE_CASES = 1
    row = indicators_compute(WED.date(), THU.date(), (), now=timezone.now()).rows[0]
    assert (row["received"], row["resolutions"], row["backlog"]) == (4, 2, 2)


def test_a_range_the_backlog_cannot_touch_is_exact_without_correction(
    client, supervisor, backlog, queued, settings
):
    settings.INDICATORS_BOARD_LIVE_CASES = 1
    board = _board(client, supervisor, WED_ONLY).context["board"]
    assert board.freshness.live
    assert _numbers(board) == _exact(WED.date(), WED.date())
    assert (_numbers(board)["received"], _numbers(board)["resolutions"]) == (2, 1)
    assert queued == []


def test_a_backlog_received_before_the_range_ends_touches_it(
    client, supervisor, agent, queued, settings
):
    # A case received on Wednesday and resolved on Thursday, unread: Wednesday's backlog and
    # Thursday's resolution both change, so the Wednesday board is not "exact" by skipping.
    desk = Actor(user=agent)
    case = new_case(desk, WED)
    indicators_refresh(timezone.now())
    act(case, "resolve", desk, THU)
    new_case(desk, THU)
    settings.INDICATORS_BOARD_LIVE_CASES = 1
    assert not _board(client, supervisor, WED_ONLY).context["board"].freshness.live
    settings.INDICATORS_BOARD_LIVE_CASES = 2
    board = _board(client, supervisor, WED_ONLY).context["board"]
    assert board.freshness.live
    assert _numbers(board) == _exact(WED.date(), WED.date())


def test_the_admin_shows_how_far_behind_the_refresh_is(admin_client, backlog):
    html = admin_client.get(f"/admin/indicators/rollupstate/{backlog.pk}/change/").content.decode()
    assert "Atrasada: última actualización hace" in html
    unread = CaseEvent.objects.filter(id__gt=backlog.watermark).count()
    assert re.search(rf"Eventos sin leer:</label>\s*<div[^>]*>{unread}</div>", html), html
    indicators_refresh(timezone.now())
    html = admin_client.get("/admin/indicators/rollupstate/").content.decode()
    assert "Al día" in html
    assert admin_client.get("/admin/indicators/rollupstate/add/").status_code == 403
