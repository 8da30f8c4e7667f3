"""Reads of channels, offices and business calendars.

:func:`calendar_spec_for` is the one place where database rows become the SLA clock's
:class:`~businesstime.calendar_spec.CalendarSpec`; the calendar API (:func:`calendar_year`) is
built from that same spec, so what other systems read is exactly what the clock counts on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from businesstime.clock import CalendarSpec, format_hhmm, make_calendar, official_holidays
from infonavit_atencion.core.errors import NotFound

from .models import BusinessCalendar, CalendarException, CalendarInterval, Channel, Office

# --- channels and offices ---------------------------------------------------------------


def channel_list() -> QuerySet[Channel]:
    """Every channel, active or not (the `active` flag is part of the answer)."""
    return Channel.objects.order_by("code")


def channel_get_by_code(code: str) -> Channel | None:
    return Channel.objects.filter(code=code).first()


def office_list(
    *, kind: str | None = None, state: str | None = None, channel: Channel | None = None
) -> QuerySet[Office]:
    """Active offices, by code, with their calendar and parent loaded (no N+1)."""
    offices = (
        Office.objects.filter(active=True).select_related("calendar", "parent").order_by("code")
    )
    if kind:
        offices = offices.filter(kind=kind)
    if state:
        offices = offices.filter(state=state)
    if channel is not None:
        offices = offices.filter(channels=channel)
    return offices


# --- calendars --------------------------------------------------------------------------


def calendar_list() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.order_by("code")


def calendar_get(code: str) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(code=code).first()
    if calendar is None:
        raise NotFound(_("No existe el calendario «%(code)s».") % {"code": code})
    return calendar


def _calendar_spec_build(calendar_id: int) -> CalendarSpec:
    calendar = BusinessCalendar.objects.only("code", "timezone", "observe_holidays").get(
        pk=calendar_id
    )
    weekly = CalendarInterval.objects.filter(calendar_id=calendar_id).values_list(
        "weekday", "start", "end"
    )
    exceptions = {
        row.date: row.interval_pairs()
        for row in CalendarException.objects.filter(calendar_id=calendar_id).only(
            "date", "closed", "intervals"
        )
    }
    return make_calendar(
        calendar.code,
        calendar.timezone,
        [(weekday, start, end) for weekday, start, end in weekly],
        exceptions,
        observe_holidays=calendar.observe_holidays,
    )


def _aggregate(queryset: QuerySet[Any], function: Any) -> Subquery:
    """A correlated scalar subquery: ``function`` over the rows of ``queryset`` (one calendar)."""
    return Subquery(
        queryset.filter(calendar_id=OuterRef("pk"))
        .order_by()
        .values("calendar_id")
        .annotate(v=function)
        .values("v")[:1]
    )


def _calendar_version(calendar_id: int) -> tuple[Any, ...]:
    """A cheap fingerprint (one query) that changes whenever the calendar's rows change.

    Covers saves through the ORM, the admin and the reference-data loader: the calendar's own
    fields and ``updated_at``; for weekly intervals (which have no ``updated_at``) their count,
    highest id and the id and time of their latest change-history row (an in-place edit
    writes one); for exceptions their count, highest id and latest ``updated_at``. Raw SQL and
    ``QuerySet.update()`` bypass it: call :func:`calendar_spec_cache_clear` after those.
    """
    history = CalendarInterval.history.model.objects
    row = (
        BusinessCalendar.objects.filter(pk=calendar_id)
        .annotate(
            interval_count=Coalesce(
                _aggregate(CalendarInterval.objects.all(), Count("pk")),
                0,
                output_field=IntegerField(),
            ),
            interval_max_id=_aggregate(CalendarInterval.objects.all(), Max("pk")),
            interval_history=_aggregate(history.all(), Max("history_id")),
            interval_history_date=_aggregate(history.all(), Max("history_date")),
            exception_count=Coalesce(
                _aggregate(CalendarException.objects.all(), Count("pk")),
                0,
                output_field=IntegerField(),
            ),
            exception_max_id=_aggregate(CalendarException.objects.all(), Max("pk")),
            exception_updated=_aggregate(CalendarException.objects.all(), Max("updated_at")),
        )
        .values_list(
            "updated_at",
            "code",
            "timezone",
            "observe_holidays",
            "interval_count",
            "interval_max_id",
            "interval_history",
            "interval_history_date",
            "exception_count",
            "exception_max_id",
            "exception_updated",
        )
        .first()
    )
    if row is None:
        raise BusinessCalendar.DoesNotExist(f"No existe el calendario con id {calendar_id}.")
    return tuple(row)


_spec_cache: dict[int, tuple[tuple[Any, ...], CalendarSpec]] = {}
_spec_cache_lock = threading.Lock()


def calendar_spec_for(calendar_id: int) -> CalendarSpec:
    """The SLA clock's view of a business calendar (weekly hours, exceptions, holiday rule).

    Cached per process and revalidated on every call with one cheap query (see
    :func:`_calendar_version`), so an edit in the admin reaches the clock at once. Weekly
    "HH:MM" rows go through the clock's own factory (``make_calendar``): "24:00" is 1440 and an
    overnight row (end before start) is split at midnight. Raises
    ``BusinessCalendar.DoesNotExist`` for an unknown id.
    """
    version = _calendar_version(calendar_id)
    cached = _spec_cache.get(calendar_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    spec = _calendar_spec_build(calendar_id)
    with _spec_cache_lock:
        _spec_cache[calendar_id] = (version, spec)
    return spec


def calendar_spec_cache_clear() -> None:
    with _spec_cache_lock:
        _spec_cache.clear()


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int
    start: str
    end: str


@dataclass(frozen=True)
class TimeRange:
    start: str
    end: str


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str


@dataclass(frozen=True)
class DatedException:
    date: date
    closed: bool
    intervals: list[TimeRange]
    name: str


@dataclass(frozen=True)
class CalendarYear:
    """A calendar as the SLA clock sees it during one year (the calendar API's answer)."""

    code: str
    name: str
    timezone: str
    weekly: list[WeeklyHours]
    holidays: list[Holiday]
    exceptions: list[DatedException]


def calendar_year(calendar: BusinessCalendar, year: int) -> CalendarYear:
    """Weekly hours, official holidays (if observed) and dated exceptions of ``year``.

    Everything comes from :func:`calendar_spec_for`, the same spec the clock counts on: weekly
    hours as the clock holds them (an overnight row appears split at midnight), holidays from
    the clock's own table, exceptions with their effective intervals — ``closed`` is true for
    any exception without open intervals.
    """
    spec = calendar_spec_for(calendar.pk)
    names = dict(
        CalendarException.objects.filter(
            calendar_id=calendar.pk, date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
        ).values_list("date", "name")
    )
    weekly = [WeeklyHours(wd, format_hhmm(i.start), format_hhmm(i.end)) for wd, i in spec.weekly]
    holidays = (
        [Holiday(day, name) for day, name in official_holidays(year).items()]
        if spec.observe_holidays
        else []
    )
    exceptions = [
        DatedException(
            date=day,
            closed=not intervals,
            intervals=[TimeRange(format_hhmm(i.start), format_hhmm(i.end)) for i in intervals],
            name=names.get(day, ""),
        )
        for day, intervals in spec.exceptions.items()
        if day.year == year
    ]
    return CalendarYear(
        code=spec.code,
        name=calendar.name,
        timezone=spec.timezone,
        weekly=weekly,
        holidays=holidays,
        exceptions=exceptions,
    )
