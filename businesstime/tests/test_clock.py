"""Hand-checked table for the SLA clock (SPEC §6). Every expected value is worked out in a comment.

Facts used throughout:
* America/Mexico_City is UTC-6 all year (no DST since 2022); America/Cancun is UTC-5 all year.
* America/Tijuana is PST (UTC-8) until 2026-03-08 02:00, when clocks jump to 03:00 PDT (UTC-7),
  and back to PST at 02:00 PDT on 2026-11-01. America/Ciudad_Juarez: MST (UTC-7) / MDT (UTC-6),
  same dates.
* Official MX holidays 2026: Thu 01-01, Mon 02-02, Mon 03-16, Fri 05-01, Wed 09-16, Mon 11-16,
  Fri 12-25; 2027: Fri 01-01 …
* Weekdays: 2026-11-09 Mon, 11-13 Fri, 2026-12-24 Thu, 2026-03-06 Fri, 2026-03-08 Sun,
  2026-11-01 Sun, 2026-06-12 Fri, 2026-04-30 Thu.
"""

from datetime import datetime, timedelta

import pytest

from businesstime.clock import BUSINESS_DAYS as DAYS
from businesstime.clock import BUSINESS_HOURS as HOURS
from businesstime.clock import BUSINESS_MINUTES as MINUTES
from businesstime.clock import CALENDAR_DAYS as CAL_DAYS
from businesstime.clock import CALENDAR_HOURS as CAL_HOURS
from businesstime.clock import (
    CalendarSpec,
    due_at,
    extend_for_pause,
    open_time_between,
    warn_at,
)

from .clock_support import (
    CESI_CJS,
    CESI_CUN,
    CESI_TIJ,
    CJS,
    EXC,
    H24,
    INST,
    NIGHT,
    SPLIT,
    assert_instant,
    case,
    cun,
    mx,
    tj,
    utc,
)

DUE_CASES = [
    # Fri 13 Nov → first business day strictly after the 13th: Sat 14, Sun 15 closed, Mon 16 is
    # Día de la Revolución, so Tue 17; due at its closing, 18:00.
    case("fri-before-holiday-days", INST, mx(2026, 11, 13, 10), 1, DAYS, mx(2026, 11, 17, 18)),
    # Fri 10:00–18:00 gives 8 h; the 9th hour starts at the next opening, Tue 17 09:00 → 10:00.
    case("fri-before-holiday-hours", INST, mx(2026, 11, 13, 10), 9, HOURS, mx(2026, 11, 17, 10)),
    # Exactly 8 h fit on Friday: the count completes at the 18:00 closing, the due instant.
    case("ends-at-closing-hours", INST, mx(2026, 11, 13, 10), 8, HOURS, mx(2026, 11, 13, 18)),
    # Same in minutes: 480 min = 10:00 → 18:00.
    case("ends-at-closing-min", INST, mx(2026, 11, 13, 10), 480, MINUTES, mx(2026, 11, 13, 18)),
    # One minute more than Friday holds: 1 min after Tuesday's 09:00 opening.
    case("past-closing-min", INST, mx(2026, 11, 13, 10), 481, MINUTES, mx(2026, 11, 17, 9, 1)),
    # Saturday intake: counting starts Mon 9 Nov 09:00; 2 h → 11:00.
    case("saturday-hours", INST, mx(2026, 11, 7, 11), 2, HOURS, mx(2026, 11, 9, 11)),
    # Saturday intake, 2 business days strictly after Sat 7: Mon 9 (1st), Tue 10 (2nd) → 18:00.
    case("saturday-days", INST, mx(2026, 11, 7, 11), 2, DAYS, mx(2026, 11, 10, 18)),
    # Sunday 23:59 intake: the local date is Sun 8, the first business day after it Mon 9.
    case("sunday-days", INST, mx(2026, 11, 8, 23, 59), 1, DAYS, mx(2026, 11, 9, 18)),
    # After closing (Wed 19:30): counting starts Thu 09:00; 30 min → 09:30.
    case("after-closing", INST, mx(2026, 11, 11, 19, 30), 30, MINUTES, mx(2026, 11, 12, 9, 30)),
    # Before opening (Thu 07:15): counting starts at 09:00; 45 min → 09:45.
    case("before-opening", INST, mx(2026, 11, 12, 7, 15), 45, MINUTES, mx(2026, 11, 12, 9, 45)),
    # Exactly at closing (Wed 18:00, outside [09:00, 18:00)): counting starts Thu 09:00 → 09:01.
    case("start-at-closing", INST, mx(2026, 11, 11, 18), 1, MINUTES, mx(2026, 11, 12, 9, 1)),
    # Business days only look at the local date: Wed 11 → Thu 12 closing.
    case("start-at-closing-days", INST, mx(2026, 11, 11, 18), 1, DAYS, mx(2026, 11, 12, 18)),
    # 24 Dec (Thu) + 5 business days: 25 Navidad, 26–27 weekend, 28 29 30 31 are 1st–4th,
    # 1 Jan Año Nuevo, 2–3 weekend, Mon 4 Jan is the 5th → 2027-01-04 18:00.
    case("christmas-days", INST, mx(2026, 12, 24, 10), 5, DAYS, mx(2027, 1, 4, 18)),
    # 24 Dec 09:00: 9 h on the 24th + 9 h × (28, 29, 30, 31) = 45 h, done at 31 Dec 18:00.
    case("christmas-hours-closing", INST, mx(2026, 12, 24, 9), 45, HOURS, mx(2026, 12, 31, 18)),
    # One hour more: 1 Jan and the weekend are closed, so Mon 4 Jan 09:00 + 1 h.
    case("christmas-hours", INST, mx(2026, 12, 24, 9), 46, HOURS, mx(2027, 1, 4, 10)),
    # Cesi in Cancún (08:30–14:30): Mon 14:00–14:30 is 0.5 h, 5.5 h more from Tue 08:30 → 14:00.
    case("cesi-hours", CESI_CUN, cun(2026, 11, 9, 14), 6, HOURS, cun(2026, 11, 10, 14)),
    # Mon 08:30 + 12 h = two full 6 h days, completing at Tuesday's 14:30 closing.
    case("cesi-two-days", CESI_CUN, cun(2026, 11, 9, 8, 30), 12, HOURS, cun(2026, 11, 10, 14, 30)),
    # Fri 13 → Tue 17 (Mon 16 holiday), closing 14:30 Cancún time.
    case("cesi-holiday-days", CESI_CUN, cun(2026, 11, 13, 12), 1, DAYS, cun(2026, 11, 17, 14, 30)),
    # Split day 09–13 + 15–19: from Mon 12:00, 1 h to 13:00 + 4 h 15:00–19:00 → 19:00 closing.
    case("split-closing", SPLIT, mx(2026, 11, 9, 12), 5, HOURS, mx(2026, 11, 9, 19)),
    # From 12:30: 30 min to 13:00, the other 60 min from 15:00 → 16:00.
    case("split-lunch", SPLIT, mx(2026, 11, 9, 12, 30), 90, MINUTES, mx(2026, 11, 9, 16)),
    # Intake during the lunch gap (13:30): counting starts at 15:00 → 16:00.
    case("split-intake-in-gap", SPLIT, mx(2026, 11, 9, 13, 30), 60, MINUTES, mx(2026, 11, 9, 16)),
    # 09:00 + 4 h ends exactly at the 13:00 closing of the morning interval, not at 15:00.
    case("split-morning-closing", SPLIT, mx(2026, 11, 9, 9), 4, HOURS, mx(2026, 11, 9, 13)),
    # A business day closes at the end of its last interval: Tue 10 at 19:00.
    case("split-days", SPLIT, mx(2026, 11, 9, 9), 1, DAYS, mx(2026, 11, 10, 19)),
    # Tijuana Cesi across the DST change: Fri 11:30–14:30 PST is 3 h; Mon 9 opens 08:30 PDT,
    # + 3 h → 11:30 PDT = 18:30 UTC.
    case("tij-hours-dst", CESI_TIJ, tj(2026, 3, 6, 11, 30), 6, HOURS, utc(2026, 3, 9, 18, 30)),
    # Fri 6 → Mon 9 (weekend between), closing 14:30 PDT = 21:30 UTC.
    case("tij-days-dst", CESI_TIJ, tj(2026, 3, 6, 10), 1, DAYS, utc(2026, 3, 9, 21, 30)),
    # 2026-03-09 05:00 UTC is Monday in UTC but Sunday 22:00 PDT in Tijuana: the local date is
    # Sun 8, so the first business day is Mon 9 (not Tue 10), closing 14:30 PDT = 21:30 UTC.
    case("utc-mon-tij-sun-days", CESI_TIJ, utc(2026, 3, 9, 5), 1, DAYS, utc(2026, 3, 9, 21, 30)),
    # Same instant in hours: Sunday night is closed; Mon 08:30 PDT + 1 h = 09:30 PDT = 16:30 UTC.
    case("utc-mon-tij-sun-hours", CESI_TIJ, utc(2026, 3, 9, 5), 1, HOURS, utc(2026, 3, 9, 16, 30)),
    # Ciudad Juárez, same DST dates: Fri 6 → Mon 9 closing 14:30 MDT = 20:30 UTC.
    case(
        "juarez-days-dst",
        CESI_CJS,
        datetime(2026, 3, 6, 10, tzinfo=CJS),
        1,
        DAYS,
        utc(2026, 3, 9, 20, 30),
    ),
    # 24 h calendar: Sat 7 12:00 PST = 20:00 UTC; always open, so 24 h of open time is 24 h of
    # elapsed time → Sun 8 20:00 UTC = 13:00 PDT (the wall clock skipped 02:00–03:00).
    case("h24-hours-dst", H24, tj(2026, 3, 7, 12), 24, HOURS, tj(2026, 3, 8, 13)),
    # The business day after Sat 7 is Sun 8, closing at 24:00 = Mon 9 00:00 PDT = 07:00 UTC.
    case("h24-days-dst", H24, tj(2026, 3, 7, 12), 1, DAYS, utc(2026, 3, 9, 7)),
    # calendar_hours are elapsed time: 20:00 UTC + 24 h = Sun 20:00 UTC = 13:00 PDT.
    case("cal-hours-spring", H24, tj(2026, 3, 7, 12), 24, CAL_HOURS, tj(2026, 3, 8, 13)),
    # calendar_days: Sat 31 Oct 12:00 PDT = 19:00 UTC + 24 h = Sun 1 Nov 19:00 UTC = 11:00 PST.
    case("cal-days-fall", H24, tj(2026, 10, 31, 12), 1, CAL_DAYS, tj(2026, 11, 1, 11)),
    # 365 calendar days from 2026-02-01 (no 29 Feb in between, no DST in CDMX) → 2027-02-01.
    case("cal-days-year", INST, mx(2026, 2, 1, 10), 365, CAL_DAYS, mx(2027, 2, 1, 10)),
    # Overnight Mon 22:00–06:00: Mon 22–24 gives 2 h, continuing at Tue 00:00 → Tue 01:00.
    case("overnight-hours", NIGHT, mx(2026, 11, 9, 21), 3, HOURS, mx(2026, 11, 10, 1)),
    # Fri 22–24 (2 h) + Sat 00–06 (6 h) = 8 h, completing at Saturday's 06:00 closing.
    case("overnight-closing", NIGHT, mx(2026, 11, 13, 22), 8, HOURS, mx(2026, 11, 14, 6)),
    # Saturday has open time (00:00–06:00 of Friday's shift): the business day after Fri 13.
    case("overnight-saturday", NIGHT, mx(2026, 11, 13, 12), 1, DAYS, mx(2026, 11, 14, 6)),
    # Mon 16 (holiday) loses its 22–24; Tue 17 keeps 00–06 and 22–24, so the first business day
    # after Sun 15 is Tue 17, closing at its 24:00 = Wed 18 00:00.
    case("overnight-holiday", NIGHT, mx(2026, 11, 15, 12), 1, DAYS, mx(2026, 11, 18, 0)),
    # From Mon 16 noon (holiday): the next open time is Tue 17 00:00 → 1 h → 01:00.
    case("overnight-holiday-hours", NIGHT, mx(2026, 11, 16, 12), 1, HOURS, mx(2026, 11, 17, 1)),
    # Closed exception Fri 5 June: Thu 4 → next business day Mon 8, closing 18:00.
    case("closed-exception", EXC, mx(2026, 6, 4, 10), 1, DAYS, mx(2026, 6, 8, 18)),
    # Special working Saturday 13 June 09–13: Fri 17–18 gives 1 h, then Sat 09:00 + 2 h → 11:00.
    case("open-saturday-hours", EXC, mx(2026, 6, 12, 17), 3, HOURS, mx(2026, 6, 13, 11)),
    # …and Saturday 13 is the first business day after Fri 12, closing 13:00.
    case("open-saturday-days", EXC, mx(2026, 6, 12, 10), 1, DAYS, mx(2026, 6, 13, 13)),
    # 1 May (holiday) worked 09–14 by exception: the business day after Thu 30 Apr, closing 14:00.
    case("worked-holiday-days", EXC, mx(2026, 4, 30, 10), 1, DAYS, mx(2026, 5, 1, 14)),
    # Without the exception 1 May is a holiday: Fri 1 closed, weekend → Mon 4 May 18:00.
    case("holiday-not-worked", INST, mx(2026, 4, 30, 10), 1, DAYS, mx(2026, 5, 4, 18)),
    # Thu 17:00 gives 1 h; the worked holiday opens 09:00 → 10:00 on 1 May.
    case("worked-holiday-hours", EXC, mx(2026, 4, 30, 17), 2, HOURS, mx(2026, 5, 1, 10)),
    # Exception for Fri 19 June with no intervals closes it: Thu 18 → Mon 22, 18:00.
    case("open-exception-empty", EXC, mx(2026, 6, 18, 10), 1, DAYS, mx(2026, 6, 22, 18)),
]


@pytest.mark.parametrize(("cal", "start", "value", "unit", "expected"), DUE_CASES)
def test_due_at(
    cal: CalendarSpec, start: datetime, value: int, unit: str, expected: datetime
) -> None:
    assert_instant(due_at(cal, start, value, unit), expected)


# (calendar, a, b, expected open time in [a, b))
BETWEEN_CASES = [
    # Fri 10–18 (8 h) + Tue 09–10 (1 h); the weekend and Monday's holiday add nothing.
    case("holiday-weekend", INST, mx(2026, 11, 13, 10), mx(2026, 11, 17, 10), timedelta(hours=9)),
    # Mon 10–13 (3 h) + 15–19 (4 h) + Tue 09–10 (1 h) = 8 h.
    case("split", SPLIT, mx(2026, 11, 9, 10), mx(2026, 11, 10, 10), timedelta(hours=8)),
    # The spring-forward day lasts 23 h: 00:00 PST (08:00 UTC) to 24:00 PDT (07:00 UTC next day).
    case("h24-spring-forward", H24, tj(2026, 3, 8, 0), tj(2026, 3, 9, 0), timedelta(hours=23)),
    # The fall-back day lasts 25 h: 00:00 PDT (07:00 UTC) to 24:00 PST (08:00 UTC next day).
    case("h24-fall-back", H24, tj(2026, 11, 1, 0), tj(2026, 11, 2, 0), timedelta(hours=25)),
    # Fri 11:30–14:30 PST (3 h) + Mon 08:30–11:30 PDT (3 h).
    case("tij-dst", CESI_TIJ, tj(2026, 3, 6, 11, 30), tj(2026, 3, 9, 11, 30), timedelta(hours=6)),
    # 24 Dec → 2 Jan: 24, 28, 29, 30, 31 Dec open 9 h each; 25 Dec (Navidad), the weekend and
    # 1 Jan (Año Nuevo) closed: 45 h.
    case("new-year", INST, mx(2026, 12, 24, 0), mx(2027, 1, 2, 0), timedelta(hours=45)),
    # b before a: zero, never negative.
    case("reversed", INST, mx(2026, 11, 10, 12), mx(2026, 11, 9, 12), timedelta(0)),
]


@pytest.mark.parametrize(("cal", "a", "b", "expected"), BETWEEN_CASES)
def test_open_time_between(
    cal: CalendarSpec, a: datetime, b: datetime, expected: timedelta
) -> None:
    assert open_time_between(cal, a, b) == expected


# (calendar, start, due, unit, warn_pct, expected warn_at)
WARN_CASES = [
    # Start Fri 13 10:00, due Tue 17 18:00 (1 business day): open time 8 h + 9 h = 17 h;
    # 75 % = 12 h 45 min; Friday gives 8 h, the other 4 h 45 min from Tue 09:00 → 13:45:00.
    case(
        "days-75",
        INST,
        mx(2026, 11, 13, 10),
        mx(2026, 11, 17, 18),
        DAYS,
        75,
        mx(2026, 11, 17, 13, 45),
    ),
    # Start 1 µs later: open time 17 h − 1 µs, 75 % of it is 0.75 µs short of 12 h 45 min, so the
    # exact instant is Tue 13:45:00.00000025 → truncated to 13:45:00.
    case(
        "days-75-microsecond",
        INST,
        mx(2026, 11, 13, 10, 0, 0, 1),
        mx(2026, 11, 17, 18),
        DAYS,
        75,
        mx(2026, 11, 17, 13, 45),
    ),
    # Open time 3.999999 s; 75 % = 2.99999925 s → 10:00:02.99999925 → 10:00:02 (floor, not
    # rounding up to 10:00:03).
    case(
        "floor-not-round",
        INST,
        mx(2026, 11, 9, 10),
        mx(2026, 11, 9, 10, 0, 3, 999_999),
        HOURS,
        75,
        mx(2026, 11, 9, 10, 0, 2),
    ),
    # Mon 17:59:56 to Tue 09:00:04.000001: open time 4 s + 4.000001 s = 8.000001 s; 50 % =
    # 4.0000005 s: 4 s reach Monday's 18:00 closing, the remaining 0.5 µs is after Tuesday's
    # 09:00 opening → Tue 09:00:00.0000005 → 09:00:00 (not Monday 18:00:00).
    case(
        "fraction-past-closing",
        INST,
        mx(2026, 11, 9, 17, 59, 56),
        mx(2026, 11, 10, 9, 0, 4, 1),
        HOURS,
        50,
        mx(2026, 11, 10, 9),
    ),
    # Calendar unit: 24 h from 10:00:00.9; 75 % = 18 h → 04:00:00.9 next day → 04:00:00.
    case(
        "cal-days-75-truncated",
        INST,
        mx(2026, 11, 10, 10, 0, 0, 900_000),
        mx(2026, 11, 11, 10, 0, 0, 900_000),
        CAL_DAYS,
        75,
        mx(2026, 11, 11, 4),
    ),
    # Calendar hours across spring forward: Sat 7 12:00 PST (20:00 UTC) to Sun 8 13:00 PDT
    # (20:00 UTC) is 24 h; 75 % = 18 h elapsed → Sun 14:00 UTC = 07:00 PDT.
    case(
        "cal-hours-dst",
        H24,
        tj(2026, 3, 7, 12),
        tj(2026, 3, 8, 13),
        CAL_HOURS,
        75,
        utc(2026, 3, 8, 14),
    ),
    # 0 % → the start itself, truncated to the second.
    case(
        "zero-percent",
        INST,
        mx(2026, 11, 9, 10, 0, 5, 500_000),
        mx(2026, 11, 9, 12),
        HOURS,
        0,
        mx(2026, 11, 9, 10, 0, 5),
    ),
    # 100 % → the due instant (already whole seconds).
    case(
        "hundred", INST, mx(2026, 11, 13, 10), mx(2026, 11, 17, 18), DAYS, 100, mx(2026, 11, 17, 18)
    ),
]


@pytest.mark.parametrize(("cal", "start", "due", "unit", "pct", "expected"), WARN_CASES)
def test_warn_at(
    cal: CalendarSpec, start: datetime, due: datetime, unit: str, pct: int, expected: datetime
) -> None:
    assert_instant(warn_at(cal, start, due, unit, pct), expected)


# INSTITUCIONAL: (instant, paused_from, paused_to, unit, expected extended instant)
PAUSE_CASES = [
    # Paused Fri 6 Nov 17:00 → Mon 9 Nov 10:00: open time waited = Fri 17–18 + Mon 09–10 = 2 h.
    # The due instant Tue 10 Nov 18:00 is a closing, so the 2 h count from Wed 09:00 → 11:00.
    case(
        "weekend",
        mx(2026, 11, 10, 18),
        mx(2026, 11, 6, 17),
        mx(2026, 11, 9, 10),
        HOURS,
        mx(2026, 11, 11, 11),
    ),
    # Business days count open time too: same result.
    case(
        "weekend-days",
        mx(2026, 11, 10, 18),
        mx(2026, 11, 6, 17),
        mx(2026, 11, 9, 10),
        DAYS,
        mx(2026, 11, 11, 11),
    ),
    # Calendar unit: elapsed 65 h (Fri 17:00 → Mon 10:00) added → Fri 13 Nov 11:00.
    case(
        "weekend-cal",
        mx(2026, 11, 10, 18),
        mx(2026, 11, 6, 17),
        mx(2026, 11, 9, 10),
        CAL_DAYS,
        mx(2026, 11, 13, 11),
    ),
    # Pause Sat 10:00 → Sun 20:00 holds no open time: nothing to extend for a business unit…
    case(
        "closed",
        mx(2026, 11, 10, 12),
        mx(2026, 11, 7, 10),
        mx(2026, 11, 8, 20),
        MINUTES,
        mx(2026, 11, 10, 12),
    ),
    # …but 34 h of elapsed time for a calendar unit: Tue 12:00 + 34 h = Wed 22:00.
    case(
        "closed-cal",
        mx(2026, 11, 10, 12),
        mx(2026, 11, 7, 10),
        mx(2026, 11, 8, 20),
        CAL_HOURS,
        mx(2026, 11, 11, 22),
    ),
]


@pytest.mark.parametrize(("instant", "paused_from", "paused_to", "unit", "expected"), PAUSE_CASES)
def test_extend_for_pause(
    instant: datetime, paused_from: datetime, paused_to: datetime, unit: str, expected: datetime
) -> None:
    assert_instant(extend_for_pause(INST, instant, paused_from, paused_to, unit), expected)
