"""Time left before a case is due, in the unit its term is counted in (one wording everywhere).

Terms counted in days read in days ("3 días hábiles", "Vencido hace 2 días hábiles"); terms
counted in hours or minutes read in hours and minutes ("5 h 20 min"). Business units count the
case's own calendar through the SLA clock, never calendar time. A waiting case's clock stops,
so it shows what was left when it paused. Queues, the case page, the dashboard and the staff
e-mails all print :func:`time_left_text`; nothing else words time left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from businesstime import clock
from businesstime.clock import CalendarSpec

from ..models.case import OPEN_STATUSES

DAY_UNITS = frozenset({clock.BUSINESS_DAYS, clock.CALENDAR_DAYS})


def _hours_minutes(seconds: float) -> str:
    minutes = int(max(seconds, 0) // 60)
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    if hours:
        return _("%(h)d h") % {"h": hours}
    if mins:
        return _("%(m)d min") % {"m": mins}
    return ""


def _business_days(n: int) -> str:
    return ngettext("%(n)d día hábil", "%(n)d días hábiles", n) % {"n": n}


def _calendar_days(n: int) -> str:
    return ngettext("%(n)d día natural", "%(n)d días naturales", n) % {"n": n}


def _days_text(unit: str, spec: CalendarSpec | None, start: dt.datetime, end: dt.datetime) -> str:
    """The days from start to end (start <= end), or "" when less than one day."""
    if unit == clock.BUSINESS_DAYS and spec is not None:
        tz = ZoneInfo(spec.timezone)
        days = clock.business_days_after(
            spec, start.astimezone(tz).date(), end.astimezone(tz).date()
        )
        return _business_days(days) if days else ""
    days = int((end - start).total_seconds() // 86_400)
    return _calendar_days(days) if days else ""


def _span_text(unit: str, spec: CalendarSpec | None, start: dt.datetime, end: dt.datetime) -> str:
    """The time from start to end (start <= end) in the unit's words; "" under one unit."""
    if unit in DAY_UNITS:
        return _days_text(unit, spec, start, end)
    if unit in clock.BUSINESS_UNITS and spec is not None:
        return _hours_minutes(clock.open_time_between(spec, start, end).total_seconds())
    return _hours_minutes((end - start).total_seconds())


def time_left_text(
    *,
    unit: str,
    due: dt.datetime,
    now: dt.datetime,
    spec: CalendarSpec | None,
    status: str,
    paused_at: dt.datetime | None = None,
) -> str:
    """ "3 días hábiles", "5 h 20 min", "Vence hoy", "Vencido hace 2 días hábiles",
    "3 días hábiles, reloj detenido"; "" for a case no longer open. ``spec`` is the case's calendar
    (needed for business units)."""
    if status not in OPEN_STATUSES:
        return ""
    at = paused_at if status == "waiting" and paused_at is not None else now
    days = unit in DAY_UNITS
    if at <= due:
        left = _span_text(unit, spec, at, due)
        text = left or (_("Vence hoy") if days else _("menos de 1 min"))
    else:
        late = _span_text(unit, spec, due, at)
        if late:
            text = _("Vencido hace %(time)s") % {"time": late}
        else:
            text = _("Vencido hoy") if days else _("Vencido")
    if status == "waiting":
        return _("%(time)s, reloj detenido") % {"time": text}
    return text


def case_time_left(case, now: dt.datetime, spec_for: Callable[[int], CalendarSpec]) -> str:  # type: ignore[no-untyped-def]
    """:func:`time_left_text` of a case's resolution term; ``spec_for`` reads its calendar."""
    unit = case.sla_resolution_unit
    spec = spec_for(case.sla_calendar_id) if unit in clock.BUSINESS_UNITS else None
    return time_left_text(
        unit=unit,
        due=case.resolution_due_at,
        now=now,
        spec=spec,
        status=case.status,
        paused_at=case.paused_at,
    )
