"""SLA badges: the case's state now and the business time left before it is due (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from businesstime import clock
from cases.models import Case, SlaState
from cases.sla.policy import sla_state_at
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
    left: str  # "quedan 2 d 3 h hábiles", "venció hace 5 h", "" when not open


def _duration_text(seconds: int, *, business: bool) -> str:
    minutes = max(seconds, 0) // 60
    days, rest = divmod(minutes, 24 * 60) if not business else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d día", "%(n)d días", days) % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if mins and not days:
        parts.append(_("%(n)d min") % {"n": mins})
    return " ".join(parts) or _("menos de 1 min")


def sla_badges(cases: Iterable[Case], now: dt.datetime) -> dict[int, SlaBadge]:
    """One badge per case id. Business units count open time of the case's own calendar
    (one cached calendar read per distinct calendar); calendar units count elapsed time."""
    specs: dict[int, object] = {}
    badges = {}
    for case in cases:
        state = sla_state_at(case, now)
        left = ""
        if case.is_open and state != "paused":
            business = case.sla_resolution_unit in clock.BUSINESS_UNITS
            if now <= case.resolution_due_at:
                if business:
                    if case.sla_calendar_id not in specs:
                        specs[case.sla_calendar_id] = calendar_spec_for(case.sla_calendar_id)
                    span = clock.open_time_between(
                        specs[case.sla_calendar_id],  # type: ignore[arg-type]
                        now,
                        case.resolution_due_at,
                    )
                    left = _("quedan %(time)s hábiles") % {
                        "time": _duration_text(int(span.total_seconds()), business=True)
                    }
                else:
                    span = case.resolution_due_at - now
                    left = _("quedan %(time)s") % {
                        "time": _duration_text(int(span.total_seconds()), business=False)
                    }
            else:
                span = now - case.resolution_due_at
                left = _("venció hace %(time)s") % {
                    "time": _duration_text(int(span.total_seconds()), business=False)
                }
        badges[case.pk] = SlaBadge(state, str(SlaState(state).label), BADGE_CLASSES[state], left)
    return badges
