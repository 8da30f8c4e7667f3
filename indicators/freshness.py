"""How current the supervisor board's numbers are, and what its live correction may cost.

The rollups hold every event up to the refresh's watermark; the events after it (the refresh
backlog) are corrected for live by replaying their cases (`indicators.engine.pending_load`),
which costs in proportion to that backlog. The API (`indicators_compute` without a
``pending``) always corrects in full: SPEC §7 promises exact numbers there. The board instead
promises a bounded cost whatever the backlog:

* a range the backlog cannot touch is answered from the rollups alone, exactly: every fact and
  backlog spell of a case lies at or after its ``received_at``, so a range that ends before the
  earliest pending case was received is already complete in the rollups;
* a backlog of at most settings.INDICATORS_BOARD_LIVE_CASES cases is corrected for live, exactly ("datos al" now);
* a larger one is not: the board shows the last refresh ("datos al HH:MM" of that refresh) and
  asks for a refresh (`indicators.tasks.refresh_soon`).

Looking at the backlog reads at most BACKLOG_PROBE_EVENTS events, so it is bounded too; past that
the backlog counts as touching every range (never a wrong "exact").

Public:

    board_correction(date_to: date, now: datetime) -> BoardCorrection(pending, freshness)
        Call it inside the snapshot the rollups are read in (`indicators.dashboard.one_snapshot`)
        and pass ``pending`` to `indicators_compute` for every number of that board.
    refresh_backlog() -> RefreshBacklog(watermark, refreshed_at, events, capped)
        How far the refresh is behind, for the admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min

from cases.models import Case, CaseEvent

from .engine import Pending, pending_load
from .metrics import local_date
from .models import RollupState

__all__ = [
    "BACKLOG_PROBE_EVENTS",
    "BoardCorrection",
    "Freshness",
    "RefreshBacklog",
    "board_correction",
    "refresh_backlog",
]

BACKLOG_PROBE_EVENTS = 5_000
NO_CORRECTION = Pending([], [], [], [])


@dataclass(frozen=True)
class Freshness:
    as_of: dt.datetime | None  # every event until this instant is counted (None: not yet any)
    live: bool  # False: the numbers are the last refresh's; newer events are not counted yet


@dataclass(frozen=True)
class BoardCorrection:
    pending: Pending
    freshness: Freshness


@dataclass(frozen=True)
class RefreshBacklog:
    watermark: int
    refreshed_at: dt.datetime | None
    events: int  # events the rollups have not read, at most BACKLOG_PROBE_EVENTS + 1
    capped: bool  # more than BACKLOG_PROBE_EVENTS: the count stopped there


def _state() -> tuple[int, dt.datetime | None]:
    state = RollupState.objects.filter(pk=1).values_list("watermark", "refreshed_at").first()
    return state if state is not None else (0, None)


def _unread(watermark: int):  # type: ignore[no-untyped-def]
    """The first BACKLOG_PROBE_EVENTS + 1 events after the watermark (a bounded index range)."""
    return CaseEvent.objects.filter(id__gt=watermark).order_by("id")[: BACKLOG_PROBE_EVENTS + 1]


def refresh_backlog() -> RefreshBacklog:
    watermark, refreshed_at = _state()
    events = _unread(watermark).count()
    return RefreshBacklog(watermark, refreshed_at, events, events > BACKLOG_PROBE_EVENTS)


def board_correction(date_to: dt.date, now: dt.datetime) -> BoardCorrection:
    """The live correction a board ending on ``date_to`` applies, and how fresh it leaves it."""
    watermark, refreshed_at = _state()
    unread = _unread(watermark)
    events = unread.count()
    exact = BoardCorrection(NO_CORRECTION, Freshness(now, live=True))
    if not events:
        return exact
    capped = events > BACKLOG_PROBE_EVENTS
    cases = Case.objects.filter(pk__in=unread.values("case_id")).aggregate(
        n=Count("id"), earliest=Min("received_at")
    )
    if not capped and local_date(cases["earliest"]) > date_to:
        return exact  # the backlog starts after the range: the rollups hold all of it
    if not capped and cases["n"] <= settings.INDICATORS_BOARD_LIVE_CASES:
        return BoardCorrection(pending_load(), Freshness(now, live=True))
    return BoardCorrection(NO_CORRECTION, Freshness(refreshed_at, live=False))
