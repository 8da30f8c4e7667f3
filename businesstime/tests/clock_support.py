"""Calendars and helpers of the hand-checked SLA clock tables (see test_clock.py for the
facts they rely on)."""

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from businesstime.clock import (
    make_calendar,
)

MX = ZoneInfo("America/Mexico_City")
CUN = ZoneInfo("America/Cancun")
TJ = ZoneInfo("America/Tijuana")
CJS = ZoneInfo("America/Ciudad_Juarez")


def weekdays(start: str, end: str, days: range = range(5)) -> list[tuple[int, str, str]]:
    return [(day, start, end) for day in days]


INST = make_calendar("INSTITUCIONAL", "America/Mexico_City", weekdays("09:00", "18:00"))
CESI_CUN = make_calendar("CESI_CUN", "America/Cancun", weekdays("08:30", "14:30"))
SPLIT = make_calendar(
    "PARTIDO", "America/Mexico_City", weekdays("09:00", "13:00") + weekdays("15:00", "19:00")
)
CESI_TIJ = make_calendar("CESI_TIJ", "America/Tijuana", weekdays("08:30", "14:30"))
CESI_CJS = make_calendar("CESI_CJS", "America/Ciudad_Juarez", weekdays("08:30", "14:30"))
H24 = make_calendar("H24_TIJ", "America/Tijuana", weekdays("00:00", "24:00", range(7)))
# Monday–Friday 22:00–06:00: Mon 22–24, Tue 00–06 and 22–24, …, Fri 22–24, Sat 00–06.
NIGHT = make_calendar("NOCTURNO", "America/Mexico_City", weekdays("22:00", "06:00"))
EXC = make_calendar(
    "EXCEPCIONES",
    "America/Mexico_City",
    weekdays("09:00", "18:00"),
    {
        date(2026, 6, 5): [],  # closed exception (a suspension on a Friday)
        date(2026, 6, 13): [("09:00", "13:00")],  # special working Saturday
        date(2026, 5, 1): [("09:00", "14:00")],  # Día del Trabajo, worked
        date(2026, 6, 19): (),  # "open" exception without intervals: a closed day
    },
)


def _at(
    zone: tzinfo, y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, us: int = 0
) -> datetime:
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=zone)


def mx(*parts: int) -> datetime:
    return _at(MX, *parts)


def cun(*parts: int) -> datetime:
    return _at(CUN, *parts)


def tj(*parts: int) -> datetime:
    return _at(TJ, *parts)


def utc(*parts: int) -> datetime:
    return _at(UTC, *parts)


def case(name: str, *values: Any) -> Any:
    return pytest.param(*values, id=name)


def assert_instant(result: datetime, expected: datetime) -> None:
    assert result == expected, f"{result.isoformat()} != {expected.astimezone(UTC).isoformat()}"
    assert result.utcoffset() == timedelta(0), "the clock answers in UTC"


# (calendar, start, value, unit, expected due)
