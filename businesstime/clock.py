"""The SLA clock: business-time arithmetic over a business calendar (SPEC §6).

Pure functions over plain data: a :class:`CalendarSpec` and aware datetimes in, aware UTC
datetimes (or timedeltas) out. No Django, no ORM, no reading of the current time, and no use of
the process timezone (``TZ``): the same input gives the same instant on any machine.

Open time is the union of a calendar's open intervals, each half-open [opening, closing).
Which intervals a date has is in :mod:`businesstime.calendar_spec`; how they become UTC instants,
and what the cache holds, in :mod:`businesstime.timeline`. In short, across DST changes: a wall
time is read with ``fold=0`` and converted to UTC, so a nonexistent time moves forward by the gap
(02:30 on 2026-03-08 in Tijuana is 03:30 PDT), an ambiguous one is its first occurrence, and
"24:00" is the next local midnight (a 00:00–24:00 day lasts 23 h or 25 h on change days).

* ``add_open_time(cal, start, d)``: the earliest instant t with ``d`` of open time in
  [start, t). Counting from outside open time starts at the next opening (from a closing instant
  too); a count that completes exactly at a closing instant returns that closing instant; ``d`` of
  zero returns ``start``.
* ``add_business_days(cal, start, n)``: the closing instant of the n-th business day strictly
  after start's local date in the calendar's timezone (terms run from the next business day).
* ``business_days_after(cal, first, last)``: how many business days lie in the local dates
  (first, last] (the "3 días hábiles" a case has left, or is late by).
* ``add_calendar_time``: elapsed time (a day is 24 hours whatever the clocks do).
* ``due_at`` / ``warn_at`` / ``extend_for_pause``: the per-unit entry points the case uses.

All arithmetic is in integer microseconds, so results are exact. ``warn_at`` floors the exact
(possibly fractional-microsecond) warning instant to the whole second in UTC.

Errors are ``ValueError`` with a Spanish message: naive datetimes, negative amounts, unknown
units, a business-day count below one, a warning percentage outside 0–100.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from .calendar_spec import (
    CalendarSpec,
    FrozenExceptions,
    Interval,
    format_hhmm,
    intervals_on,
    make_calendar,
    official_holidays,
    parse_hhmm,
    split_weekly,
)
from .timeline import US_PER_SECOND, clear_cache, from_us, timeline_for, to_us

__all__ = [
    "BUSINESS_DAYS",
    "BUSINESS_HOURS",
    "BUSINESS_MINUTES",
    "BUSINESS_UNITS",
    "CALENDAR_DAYS",
    "CALENDAR_HOURS",
    "CALENDAR_UNITS",
    "UNITS",
    "CalendarSpec",
    "FrozenExceptions",
    "Interval",
    "add_business_days",
    "add_business_hours",
    "add_business_minutes",
    "add_calendar_time",
    "add_open_time",
    "business_days_after",
    "clear_cache",
    "due_at",
    "extend_for_pause",
    "format_hhmm",
    "intervals_on",
    "is_business_day",
    "make_calendar",
    "next_opening",
    "official_holidays",
    "open_time_between",
    "parse_hhmm",
    "split_weekly",
    "truncate_to_second",
    "warn_at",
]

BUSINESS_MINUTES = "business_minutes"
BUSINESS_HOURS = "business_hours"
BUSINESS_DAYS = "business_days"
CALENDAR_HOURS = "calendar_hours"
CALENDAR_DAYS = "calendar_days"
BUSINESS_UNITS = frozenset({BUSINESS_MINUTES, BUSINESS_HOURS, BUSINESS_DAYS})
CALENDAR_UNITS = frozenset({CALENDAR_HOURS, CALENDAR_DAYS})
UNITS = BUSINESS_UNITS | CALENDAR_UNITS


_UNIT_US = {
    BUSINESS_MINUTES: 60 * US_PER_SECOND,
    BUSINESS_HOURS: 3_600 * US_PER_SECOND,
    CALENDAR_HOURS: 3_600 * US_PER_SECOND,
    CALENDAR_DAYS: 86_400 * US_PER_SECOND,
}


def _instant_us(moment: datetime, name: str) -> int:
    try:
        return to_us(moment)  # TypeError for naive datetimes, dates and anything else
    except TypeError as bad:
        raise ValueError(f"{name} debe ser un datetime con zona horaria (aware).") from bad


def _duration_us(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise ValueError("La duración debe ser un timedelta.")
    if duration < timedelta(0):
        raise ValueError("La duración no puede ser negativa.")
    return (duration.days * 86_400 + duration.seconds) * US_PER_SECOND + duration.microseconds


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} debe ser un entero.")
    if value < 0:
        raise ValueError(f"{name} no puede ser negativo.")
    return value


def _unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"Unidad de SLA desconocida: {unit!r}.")
    return unit


def _add_open(cal: CalendarSpec, start: datetime, start_us: int, amount: int) -> datetime:
    if amount == 0:
        return start.astimezone(UTC)
    return from_us(timeline_for(cal).add(start_us, amount))


def _add_elapsed(start_us: int, amount: int) -> datetime:
    try:
        return from_us(start_us + amount)
    except OverflowError as bad:
        raise ValueError("El plazo queda fuera del rango de fechas admitido.") from bad


def add_open_time(cal: CalendarSpec, start: datetime, duration: timedelta) -> datetime:
    """The instant when ``duration`` of open time has elapsed since ``start`` (UTC)."""
    return _add_open(cal, start, _instant_us(start, "start"), _duration_us(duration))


def add_business_minutes(cal: CalendarSpec, start: datetime, minutes: int) -> datetime:
    amount = _count(minutes, "minutes") * _UNIT_US[BUSINESS_MINUTES]
    return _add_open(cal, start, _instant_us(start, "start"), amount)


def add_business_hours(cal: CalendarSpec, start: datetime, hours: int) -> datetime:
    amount = _count(hours, "hours") * _UNIT_US[BUSINESS_HOURS]
    return _add_open(cal, start, _instant_us(start, "start"), amount)


def add_business_days(cal: CalendarSpec, start: datetime, days: int) -> datetime:
    """Closing instant of the ``days``-th business day strictly after start's local date."""
    _instant_us(start, "start")
    if _count(days, "days") < 1:
        raise ValueError("Un plazo en días hábiles debe ser de al menos 1 día.")
    timeline = timeline_for(cal)
    local_date = start.astimezone(timeline.tz).date()
    return from_us(timeline.nth_business_day_closing(local_date, days))


def open_time_between(cal: CalendarSpec, a: datetime, b: datetime) -> timedelta:
    """Open time in [a, b); zero when ``b <= a``."""
    a_us, b_us = _instant_us(a, "a"), _instant_us(b, "b")
    return timedelta(microseconds=timeline_for(cal).between(a_us, b_us))


def next_opening(cal: CalendarSpec, at: datetime) -> datetime:
    """``at`` itself if it is open time, else the next opening instant (UTC)."""
    return from_us(timeline_for(cal).next_opening(_instant_us(at, "at")))


def is_business_day(cal: CalendarSpec, day: date) -> bool:
    """Whether local date ``day`` has open time."""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError("is_business_day espera una fecha (date).")
    return timeline_for(cal).is_business_day(day)


def business_days_after(cal: CalendarSpec, first: date, last: date) -> int:
    """How many business days lie in the local dates (first, last]; 0 when last <= first."""
    for day in (first, last):
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValueError("business_days_after espera fechas (date).")
    if last <= first:
        return 0
    return timeline_for(cal).business_days_after(first, last)


def add_calendar_time(start: datetime, duration: timedelta) -> datetime:
    """``start`` plus ``duration`` of elapsed time (UTC)."""
    return _add_elapsed(_instant_us(start, "start"), _duration_us(duration))


def truncate_to_second(moment: datetime) -> datetime:
    """``moment`` in UTC with its fraction of a second dropped (floor)."""
    _instant_us(moment, "moment")
    return moment.astimezone(UTC).replace(microsecond=0)


def due_at(cal: CalendarSpec, start: datetime, value: int, unit: str) -> datetime:
    """The due instant of a ``{value, unit}`` target counted from ``start`` (SPEC §6)."""
    _unit(unit)
    _count(value, "value")
    if unit == BUSINESS_DAYS:
        return add_business_days(cal, start, value)
    start_us = _instant_us(start, "start")
    if unit in CALENDAR_UNITS:
        return _add_elapsed(start_us, value * _UNIT_US[unit])
    return _add_open(cal, start, start_us, value * _UNIT_US[unit])


def warn_at(
    cal: CalendarSpec, start: datetime, due: datetime, unit: str, warn_pct: int
) -> datetime:
    """When ``warn_pct`` % of the time from ``start`` to ``due`` has elapsed, floored to the second.

    Business units (business days too) count open time; calendar units count elapsed time.
    """
    _unit(unit)
    if _count(warn_pct, "warn_pct") > 100:
        raise ValueError("El umbral de aviso debe estar entre 0 y 100 %.")
    start_us, due_us = _instant_us(start, "start"), _instant_us(due, "due")
    if due_us < start_us:
        raise ValueError("El vencimiento no puede ser anterior al inicio.")
    if unit in CALENDAR_UNITS:
        # floor(start + elapsed × pct / 100) to the second, exactly, in integers.
        scaled = start_us * 100 + (due_us - start_us) * warn_pct
        return from_us(scaled // (100 * US_PER_SECOND) * US_PER_SECOND)
    timeline = timeline_for(cal)
    whole, remainder = divmod(timeline.between(start_us, due_us) * warn_pct, 100)
    if whole == 0 and remainder == 0:
        return truncate_to_second(start)
    if remainder == 0:
        instant = timeline.add(start_us, whole)
    else:
        # The exact target lies strictly inside the open interval that holds the next whole
        # microsecond of open time, just before it; flooring that microsecond minus one to the
        # second gives the same second as flooring the exact instant.
        instant = timeline.add(start_us, whole + 1) - 1
    return from_us(instant - instant % US_PER_SECOND)


def extend_for_pause(
    cal: CalendarSpec,
    instant: datetime,
    paused_from: datetime,
    paused_to: datetime,
    unit: str,
) -> datetime:
    """``instant`` pushed back by the wait from ``paused_from`` to ``paused_to``, in ``unit`` terms.

    Business units: the open time inside the pause is added as open time from ``instant``
    (a pause wholly outside open time extends nothing). Calendar units: the elapsed time is added.
    """
    _unit(unit)
    instant_us = _instant_us(instant, "instant")
    from_us_, to_us_ = _instant_us(paused_from, "paused_from"), _instant_us(paused_to, "paused_to")
    if to_us_ < from_us_:
        raise ValueError("La pausa no puede terminar antes de empezar.")
    if unit in CALENDAR_UNITS:
        # Microseconds, not ``paused_to - paused_from``: two datetimes sharing a tzinfo subtract
        # as wall clocks in Python, which is wrong across a DST change.
        return _add_elapsed(instant_us, to_us_ - from_us_)
    return _add_open(cal, instant, instant_us, timeline_for(cal).between(from_us_, to_us_))
