"""SLA clock: calendar rules, pauses, helpers and refusals (SPEC §6); facts as in
test_clock.py."""

from datetime import date, timedelta
from typing import Any

import pytest

from businesstime.clock import BUSINESS_DAYS as DAYS
from businesstime.clock import BUSINESS_HOURS as HOURS
from businesstime.clock import BUSINESS_MINUTES as MINUTES
from businesstime.clock import CALENDAR_DAYS as CAL_DAYS
from businesstime.clock import CALENDAR_HOURS as CAL_HOURS
from businesstime.clock import (
    CalendarSpec,
    Interval,
    add_business_days,
    add_calendar_time,
    add_open_time,
    due_at,
    extend_for_pause,
    format_hhmm,
    intervals_on,
    is_business_day,
    make_calendar,
    next_opening,
    official_holidays,
    parse_hhmm,
    truncate_to_second,
    warn_at,
)

from .clock_support import (
    EXC,
    H24,
    INST,
    NIGHT,
    SPLIT,
    assert_instant,
    mx,
    tj,
    utc,
    weekdays,
)


def test_calendar_pause_across_dst_counts_elapsed_time() -> None:
    # Paused Sat 7 Mar 12:00 PST (20:00 UTC) → Sun 8 Mar 12:00 PDT (19:00 UTC): 23 h elapsed,
    # although both wall clocks read 12:00. Tue 10 Mar 12:00 PDT (19:00 UTC) + 23 h =
    # Wed 11 Mar 18:00 UTC = 11:00 PDT. On the 24 h calendar the open time waited is the same.
    paused = (tj(2026, 3, 7, 12), tj(2026, 3, 8, 12))
    for unit in (CAL_HOURS, HOURS):
        assert_instant(
            extend_for_pause(H24, tj(2026, 3, 10, 12), *paused, unit), tj(2026, 3, 11, 11)
        )


def test_intervals_on_follows_exception_then_holiday_then_weekly() -> None:
    # Mon 16 Nov is a holiday: no intervals; Tue 17 has the weekly 09:00–18:00.
    assert intervals_on(INST, date(2026, 11, 16)) == ()
    assert intervals_on(INST, date(2026, 11, 17)) == (Interval(540, 1080),)
    # A worked holiday's exception replaces the holiday status; a closed one empties a Friday.
    assert intervals_on(EXC, date(2026, 5, 1)) == (Interval(540, 840),)
    assert intervals_on(EXC, date(2026, 6, 5)) == ()
    assert intervals_on(EXC, date(2026, 6, 13)) == (Interval(540, 780),)
    # The overnight split: Monday 22–24 only, Tuesday 00–06 and 22–24, Saturday 00–06.
    assert intervals_on(NIGHT, date(2026, 11, 9)) == (Interval(1320, 1440),)
    assert intervals_on(NIGHT, date(2026, 11, 10)) == (Interval(0, 360), Interval(1320, 1440))
    assert intervals_on(NIGHT, date(2026, 11, 14)) == (Interval(0, 360),)
    assert intervals_on(H24, date(2026, 3, 8)) == (Interval(0, 1440),)


def test_is_business_day() -> None:
    assert is_business_day(INST, date(2026, 11, 13))
    assert not is_business_day(INST, date(2026, 11, 14))  # Saturday
    assert not is_business_day(INST, date(2026, 11, 16))  # Día de la Revolución
    assert is_business_day(EXC, date(2026, 5, 1))  # holiday worked
    assert is_business_day(EXC, date(2026, 6, 13))  # special Saturday
    assert not is_business_day(EXC, date(2026, 6, 5))  # closed exception
    assert not is_business_day(EXC, date(2026, 6, 19))  # exception without intervals
    assert is_business_day(NIGHT, date(2026, 11, 14))  # Saturday 00–06
    assert not is_business_day(NIGHT, date(2026, 11, 15))  # Sunday


def test_holidays_can_be_ignored() -> None:
    # Without holidays, Mon 16 Nov is an ordinary Monday: the business day after Fri 13.
    plain = make_calendar(
        "SIN_FERIADOS", "America/Mexico_City", weekdays("09:00", "18:00"), None, False
    )
    assert is_business_day(plain, date(2026, 11, 16))
    assert_instant(add_business_days(plain, mx(2026, 11, 13, 10), 1), mx(2026, 11, 16, 18))


def test_next_opening() -> None:
    # Saturday → Monday 09:00; inside open time → itself; at the 18:00 closing → next day 09:00.
    assert_instant(next_opening(INST, mx(2026, 11, 7, 12)), mx(2026, 11, 9, 9))
    assert_instant(next_opening(INST, mx(2026, 11, 9, 12, 30)), mx(2026, 11, 9, 12, 30))
    assert_instant(next_opening(INST, mx(2026, 11, 9, 18)), mx(2026, 11, 10, 9))
    # Lunch gap → 15:00; the overnight shift runs through midnight, so Tue 00:00 is open time.
    assert_instant(next_opening(SPLIT, mx(2026, 11, 9, 13)), mx(2026, 11, 9, 15))
    assert_instant(next_opening(NIGHT, mx(2026, 11, 10, 0)), mx(2026, 11, 10, 0))
    # Thu 31 Dec 2026 after closing → Mon 4 Jan 2027 09:00 (1 Jan holiday, then weekend).
    assert_instant(next_opening(INST, mx(2026, 12, 31, 20)), mx(2027, 1, 4, 9))


def test_zero_duration_returns_start_unchanged() -> None:
    saturday = mx(2026, 11, 7, 11, 22, 33, 444)
    assert_instant(add_open_time(INST, saturday, timedelta(0)), saturday)
    assert_instant(due_at(INST, saturday, 0, HOURS), saturday)


def test_add_calendar_time_is_elapsed_time() -> None:
    # Tijuana fall back: 2026-11-01 00:30 PDT (07:30 UTC) + 2 h = 09:30 UTC = 01:30 PST.
    assert_instant(
        add_calendar_time(tj(2026, 11, 1, 0, 30), timedelta(hours=2)), utc(2026, 11, 1, 9, 30)
    )


def test_truncate_to_second() -> None:
    assert truncate_to_second(mx(2026, 11, 9, 10, 0, 5, 999_999)) == utc(2026, 11, 9, 16, 0, 5)


def test_official_holidays_2026_in_spanish() -> None:
    table = official_holidays(2026)
    days = [(1, 1), (2, 2), (3, 16), (5, 1), (9, 16), (11, 16), (12, 25)]
    assert list(table) == [date(2026, month, day) for month, day in days]
    assert table[date(2026, 11, 16)] == "Día de la Revolución"
    assert table[date(2026, 1, 1)] == "Año Nuevo"


def test_parse_and_format_hhmm() -> None:
    assert parse_hhmm("08:30") == 510
    assert parse_hhmm("00:00") == 0
    assert parse_hhmm("24:00") == 1440
    assert format_hhmm(1440) == "24:00"
    assert format_hhmm(510) == "08:30"
    for bad in ("24:01", "8:30", "25:00", "12:60", "", "12:00\n"):
        with pytest.raises(ValueError):
            parse_hhmm(bad)


def test_overnight_weekly_split() -> None:
    # Sunday 22:00–06:00 wraps to Monday; "00:00" as the end adds nothing to the next day.
    cal = make_calendar("X", "America/Mexico_City", [(6, "22:00", "06:00"), (2, "20:00", "00:00")])
    expected = ((0, Interval(0, 360)), (2, Interval(1200, 1440)), (6, Interval(1320, 1440)))
    assert cal.weekly == expected


def test_calendar_spec_is_hashable_and_built_from_a_dict() -> None:
    weekly = weekdays("09:00", "18:00")
    a = make_calendar("C", "America/Mexico_City", weekly, {date(2026, 6, 5): []})
    b = make_calendar("C", "America/Mexico_City", weekly[::-1], {date(2026, 6, 5): ()})
    assert a == b
    assert hash(a) == hash(b)
    assert {a: 1}[b] == 1
    direct = CalendarSpec("C", "America/Mexico_City", a.weekly, {date(2026, 6, 5): ()})
    assert direct == a
    assert direct.exceptions[date(2026, 6, 5)] == ()


MON = mx(2026, 11, 9, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: due_at(INST, MON.replace(tzinfo=None), 1, HOURS),  # naive
        lambda: due_at(INST, MON, 1, "business_weeks"),
        lambda: due_at(INST, MON, -1, HOURS),
        lambda: due_at(INST, MON, 0, DAYS),
        lambda: due_at(INST, MON, 10**9, MINUTES),  # beyond the supported years, fails fast
        lambda: due_at(INST, MON, 10**9, CAL_DAYS),
        lambda: add_open_time(INST, MON, timedelta(seconds=-1)),
        lambda: warn_at(INST, MON, MON + timedelta(hours=2), HOURS, 101),
        lambda: warn_at(INST, MON, MON - timedelta(hours=2), HOURS, 75),  # due before start
        lambda: extend_for_pause(INST, MON, MON, MON - timedelta(hours=1), HOURS),
        lambda: make_calendar("X", "Mars/Olympus", []),
        lambda: make_calendar("X", "America/Mexico_City", [(7, "09:00", "18:00")]),
        lambda: make_calendar(
            "X", "America/Mexico_City", [], {date(2026, 1, 2): [("18:00", "09:00")]}
        ),
    ],
)
def test_invalid_input_raises_value_error(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


def test_calendar_without_open_time_refuses_instead_of_looping() -> None:
    # No weekly hours; only one special day in 2026. After it there is no open time at all.
    cal = make_calendar(
        "VACIO", "America/Mexico_City", [], {date(2026, 6, 13): [("09:00", "10:00")]}
    )
    assert_instant(add_business_days(cal, mx(2026, 6, 1), 1), mx(2026, 6, 13, 10))
    with pytest.raises(ValueError):
        add_business_days(cal, mx(2026, 6, 13, 12), 1)
    with pytest.raises(ValueError):
        add_open_time(cal, mx(2026, 6, 13, 9, 30), timedelta(hours=1))
