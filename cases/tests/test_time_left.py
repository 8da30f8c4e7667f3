"""Time left before due, worded in the unit of the term (cases.sla.time_left): exact strings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from businesstime import clock
from businesstime.clock import make_calendar
from cases.sla.time_left import time_left_text

CDMX = ZoneInfo("America/Mexico_City")
WEEKDAYS = [(day, "09:00", "18:00") for day in range(5)]
INST = make_calendar("INST", "America/Mexico_City", WEEKDAYS)
# Tuesday 8 December 2026 closed by an exception (as a DOF notice would).
CLOSED_TUESDAY = make_calendar(
    "INST2", "America/Mexico_City", WEEKDAYS, exceptions={dt.date(2026, 12, 8): []}
)


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant in December 2026, Mexico City time (7 December is a Monday)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CDMX)


def text(unit, due, now, spec=INST, status="in_progress", paused_at=None):  # type: ignore[no-untyped-def]
    return time_left_text(
        unit=unit, due=due, now=now, spec=spec, status=status, paused_at=paused_at
    )


# --- Terms counted in days -----------------------------------------------------------------


def test_business_days_left_count_business_days_of_the_calendar():
    due = clock.add_business_days(INST, local(7, 10), 3)  # Thursday 10, 18:00
    assert text(clock.BUSINESS_DAYS, due, local(7, 10)) == "3 días hábiles"
    assert text(clock.BUSINESS_DAYS, due, local(9, 17)) == "1 día hábil"


def test_a_weekend_and_a_closed_day_do_not_count():
    due = local(10, 18)  # Thursday
    # Friday 4 → Monday 7, Tuesday 8, Wednesday 9, Thursday 10
    assert text(clock.BUSINESS_DAYS, due, local(4, 10)) == "4 días hábiles"
    assert text(clock.BUSINESS_DAYS, due, local(4, 10), spec=CLOSED_TUESDAY) == "3 días hábiles"


def test_due_later_today_reads_vence_hoy():
    assert text(clock.BUSINESS_DAYS, local(10, 18), local(10, 12)) == "Vence hoy"


def test_overdue_business_days():
    due = local(10, 18)  # Thursday's closing
    assert text(clock.BUSINESS_DAYS, due, local(10, 19)) == "Vencido hoy"
    assert text(clock.BUSINESS_DAYS, due, local(11, 10)) == "Vencido hace 1 día hábil"
    # Friday 11 and Monday 14; the weekend does not count
    assert text(clock.BUSINESS_DAYS, due, local(14, 10)) == "Vencido hace 2 días hábiles"


def test_calendar_days_count_elapsed_days():
    now = local(7, 10)
    assert text(clock.CALENDAR_DAYS, now + dt.timedelta(days=3), now, spec=None) == (
        "3 días naturales"
    )
    assert text(clock.CALENDAR_DAYS, now + dt.timedelta(hours=5), now, spec=None) == "Vence hoy"
    assert text(clock.CALENDAR_DAYS, now - dt.timedelta(days=1, hours=2), now, spec=None) == (
        "Vencido hace 1 día natural"
    )


# --- Terms counted in hours or minutes ---------------------------------------------------


def test_business_hours_left_in_hours_and_minutes():
    assert text(clock.BUSINESS_HOURS, local(7, 15, 20), local(7, 10)) == "5 h 20 min"
    assert text(clock.BUSINESS_MINUTES, local(7, 10, 45), local(7, 10)) == "45 min"
    assert text(clock.BUSINESS_HOURS, local(7, 12), local(7, 10)) == "2 h"
    assert text(
        clock.BUSINESS_MINUTES, local(7, 10, 0) + dt.timedelta(seconds=30), local(7, 10)
    ) == ("menos de 1 min")


def test_business_hours_count_open_time_not_calendar_time():
    # Monday 16:00 → Tuesday 11:20 is 19 h 20 min of calendar time but 4 h 20 min open
    assert text(clock.BUSINESS_HOURS, local(8, 11, 20), local(7, 16)) == "4 h 20 min"


def test_overdue_business_hours():
    # due Monday 17:00; Monday 17–18 and Tuesday 09:00–10:05 are open
    assert text(clock.BUSINESS_HOURS, local(7, 17), local(8, 10, 5)) == "Vencido hace 2 h 5 min"
    # after closing no open time has passed yet
    assert text(clock.BUSINESS_HOURS, local(7, 18), local(7, 21)) == "Vencido"


def test_calendar_hours_count_elapsed_time():
    now = local(7, 10)
    assert text(clock.CALENDAR_HOURS, now + dt.timedelta(hours=30), now, spec=None) == "30 h"
    assert text(clock.CALENDAR_HOURS, now - dt.timedelta(minutes=90), now, spec=None) == (
        "Vencido hace 1 h 30 min"
    )


# --- Paused and closed cases -------------------------------------------------------------


def test_a_waiting_case_shows_what_was_left_when_it_paused():
    due = local(10, 18)
    paused = local(7, 10)
    assert text(clock.BUSINESS_DAYS, due, local(14, 10), status="waiting", paused_at=paused) == (
        "3 días hábiles, reloj detenido"
    )
    assert text(
        clock.BUSINESS_HOURS, local(7, 15, 20), local(9, 9), status="waiting", paused_at=paused
    ) == ("5 h 20 min, reloj detenido")


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled"])
def test_no_time_left_once_the_case_is_not_open(status):
    assert text(clock.BUSINESS_DAYS, local(10, 18), local(7, 10), status=status) == ""


def test_a_case_overdue_for_more_than_a_year_counts_every_business_day():
    days = (dt.date(2026, 12, 31) + dt.timedelta(days=n) for n in range(1, 366))
    expected = sum(clock.is_business_day(INST, day) for day in days)  # every day of 2027
    late = text(clock.BUSINESS_DAYS, local(31, 18), dt.datetime(2027, 12, 31, 12, tzinfo=CDMX))
    assert late == f"Vencido hace {expected} días hábiles"
    assert 250 < expected < 261  # 261 weekdays in 2027, less the official holidays on them
