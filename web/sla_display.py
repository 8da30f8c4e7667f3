"""SLA badges: the case's state now and the business time left before it is due (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from businesstime.clock import CalendarSpec
from cases.models import Case, SlaState
from cases.sla.policy import sla_state_at
from cases.sla.time_left import case_time_left
from channels.selectors import calendar_spec_for

# Bootstrap text/background pairs with AA contrast.
BADGE_CLASSES = {
    "on_track": "text-bg-success",
    "at_risk": "text-bg-warning",
    "breached": "text-bg-danger",
    "met": "text-bg-secondary",
    "paused": "text-bg-info",
}


@dataclass(frozen=True)
class SlaBadge:
    state: str
    label: str
    css: str
    left: str  # cases.sla.time_left wording: "3 días hábiles", "Vencido hace 5 h", "" when closed


def sla_badges(cases: Iterable[Case], now: dt.datetime) -> dict[int, SlaBadge]:
    """One badge per case id, its time left worded by `case_time_left` (one cached calendar
    read per distinct calendar)."""
    specs: dict[int, CalendarSpec] = {}

    def spec_for(calendar_id: int) -> CalendarSpec:
        if calendar_id not in specs:
            specs[calendar_id] = calendar_spec_for(calendar_id)
        return specs[calendar_id]

    badges = {}
    for case in cases:
        state = sla_state_at(case, now)
        left = case_time_left(case, now, spec_for)
        badges[case.pk] = SlaBadge(state, str(SlaState(state).label), BADGE_CLASSES[state], left)
    return badges
