"""Property-based tests for the SLA clock (hypothesis, derandomized).

Besides algebraic properties, results are compared with a deliberately naive oracle written
here from SPEC §6 alone: it walks local dates one by one, converts each wall time with
``datetime(..., tzinfo=ZoneInfo(tz))`` (fold=0) → UTC, and adds intervals up in order. It shares
no code with the clock, which bisects precomputed yearly arrays.
"""

import os
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from businesstime.clock import (
    BUSINESS_DAYS,
    BUSINESS_HOURS,
    BUSINESS_MINUTES,
    CALENDAR_DAYS,
    CALENDAR_HOURS,
    UNITS,
    CalendarSpec,
    add_business_days,
    add_business_minutes,
    add_open_time,
    business_days_after,
    clear_cache,
    due_at,
    extend_for_pause,
    is_business_day,
    next_opening,
    open_time_between,
    truncate_to_second,
    warn_at,
)

from .oracle import (
    ONE_US,
    SETTINGS,
    oracle_add,
    oracle_between,
    oracle_business_days,
    oracle_intervals,
    oracle_warn,
    scenarios,
    to_utc,
)

# --------------------------------------------------------------------------- properties


@SETTINGS
@given(scenarios(), st.sampled_from(sorted(UNITS)), st.integers(1, 40))
def test_due_is_never_before_start(
    scenario: tuple[CalendarSpec, datetime], unit: str, value: int
) -> None:
    cal, start = scenario
    assert due_at(cal, start, value, unit) >= start


@SETTINGS
@given(scenarios(), st.integers(1, 3000), st.integers(0, 3000))
def test_adding_minutes_composes(scenario: tuple[CalendarSpec, datetime], a: int, b: int) -> None:
    cal, start = scenario
    assert add_business_minutes(
        cal, add_business_minutes(cal, start, a), b
    ) == add_business_minutes(cal, start, a + b)


@SETTINGS
@given(scenarios(), st.integers(0, 5 * 86_400_000_000))
def test_open_time_between_inverts_add(
    scenario: tuple[CalendarSpec, datetime], amount_us: int
) -> None:
    cal, start = scenario
    amount = timedelta(microseconds=amount_us)
    assert open_time_between(cal, start, add_open_time(cal, start, amount)) == amount


@SETTINGS
@given(scenarios(), st.integers(0, 4000), st.integers(0, 4000))
def test_open_time_between_is_additive(
    scenario: tuple[CalendarSpec, datetime], x: int, y: int
) -> None:
    cal, a = scenario
    b = to_utc(a) + timedelta(minutes=x, microseconds=7)
    c = b + timedelta(hours=y)
    assert open_time_between(cal, a, b) + open_time_between(cal, b, c) == open_time_between(
        cal, a, c
    )


@SETTINGS
@given(scenarios(), st.integers(0, 3 * 86_400_000_000))
def test_add_open_time_matches_oracle(
    scenario: tuple[CalendarSpec, datetime], amount_us: int
) -> None:
    cal, start = scenario
    amount = timedelta(microseconds=amount_us)
    assert add_open_time(cal, start, amount) == oracle_add(cal, start, amount)


@SETTINGS
@given(scenarios(), st.integers(0, 6 * 86_400_000_000))
def test_open_time_between_matches_oracle(
    scenario: tuple[CalendarSpec, datetime], span_us: int
) -> None:
    cal, a = scenario
    b = to_utc(a) + timedelta(microseconds=span_us)
    assert open_time_between(cal, a, b) == oracle_between(cal, a, b)


@SETTINGS
@given(scenarios())
def test_next_opening_matches_oracle(scenario: tuple[CalendarSpec, datetime]) -> None:
    cal, at = scenario
    # Compare in UTC: PEP 495 makes an ambiguous local time with fold=1 unequal to every instant
    # of another zone, even the same one.
    at_utc = to_utc(at)
    expected = next(
        max(opening, at_utc) for opening, closing in oracle_intervals(cal, at) if closing > at_utc
    )
    assert next_opening(cal, at) == expected


@SETTINGS
@given(scenarios(), st.integers(1, 30))
def test_business_days_due_is_closing_of_nth_business_day(
    scenario: tuple[CalendarSpec, datetime], n: int
) -> None:
    cal, start = scenario
    due = add_business_days(cal, start, n)
    assert due == oracle_business_days(cal, start, n)
    # Through the public API alone: the instant just before due is open time of a business day D,
    # due closes it, and D is the n-th business day after start's local date.
    tz = ZoneInfo(cal.timezone)
    last_moment = due - ONE_US
    closing_day = last_moment.astimezone(tz).date()
    assert is_business_day(cal, closing_day)
    assert next_opening(cal, last_moment) == last_moment
    local_start = start.astimezone(tz).date()
    days = (closing_day - local_start).days
    assert (
        sum(is_business_day(cal, local_start + timedelta(days=k)) for k in range(1, days + 1)) == n
    )


@SETTINGS
@given(scenarios(), st.sampled_from(sorted(UNITS)), st.integers(1, 30), st.integers(0, 100))
def test_warn_at_between_start_and_due_and_exact(
    scenario: tuple[CalendarSpec, datetime], unit: str, value: int, pct: int
) -> None:
    cal, start = scenario
    due = due_at(cal, start, value, unit)
    warn = warn_at(cal, start, due, unit, pct)
    assert warn.microsecond == 0
    assert truncate_to_second(start) <= warn <= due
    assert warn == oracle_warn(cal, start, due, unit, pct)


@SETTINGS
@given(
    scenarios(whole_seconds=True),
    st.sampled_from(sorted(UNITS)),
    st.integers(1, 30),
    st.integers(0, 100),
)
def test_warn_at_not_before_whole_second_start(
    scenario: tuple[CalendarSpec, datetime], unit: str, value: int, pct: int
) -> None:
    cal, start = scenario
    due = due_at(cal, start, value, unit)
    assert start <= warn_at(cal, start, due, unit, pct) <= due


@SETTINGS
@given(scenarios(), st.integers(0, 4 * 86_400_000_000), st.integers(0, 8 * 86_400_000_000))
def test_pause_extends_by_open_time_waited(
    scenario: tuple[CalendarSpec, datetime], wait_us: int, later_us: int
) -> None:
    cal, paused_from = scenario
    # All three share paused_from's tzinfo, as a case's stored instants would.
    zone = paused_from.tzinfo
    paused_to = (to_utc(paused_from) + timedelta(microseconds=wait_us)).astimezone(zone)
    instant = (to_utc(paused_from) + timedelta(microseconds=later_us)).astimezone(zone)
    extended = extend_for_pause(cal, instant, paused_from, paused_to, BUSINESS_HOURS)
    assert extended >= instant
    waited = open_time_between(cal, paused_from, paused_to)
    assert extended == add_open_time(cal, instant, waited)
    if waited:
        assert open_time_between(cal, instant, extended) == waited
    calendar = extend_for_pause(cal, instant, paused_from, paused_to, CALENDAR_DAYS)
    assert calendar - to_utc(instant) == timedelta(microseconds=wait_us)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(scenarios(), st.integers(1, 30), st.integers(1, 72), st.integers(1, 4000))
def test_results_do_not_depend_on_process_timezone(
    scenario: tuple[CalendarSpec, datetime], days: int, hours: int, minutes: int
) -> None:
    cal, start = scenario

    def compute() -> tuple[datetime, ...]:
        clear_cache()  # rebuild the yearly arrays under this TZ as well
        due = due_at(cal, start, days, BUSINESS_DAYS)
        return (
            due,
            due_at(cal, start, hours, BUSINESS_HOURS),
            due_at(cal, start, minutes, BUSINESS_MINUTES),
            due_at(cal, start, hours, CALENDAR_HOURS),
            warn_at(cal, start, due, BUSINESS_DAYS, 75),
            next_opening(cal, start),
        )

    saved = os.environ.get("TZ")
    try:
        results = []
        for zone in ("UTC", "America/Tijuana", "Asia/Kolkata", "Pacific/Chatham"):
            os.environ["TZ"] = zone
            time.tzset()
            results.append(compute())
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert all(result == results[0] for result in results)
    assert all(moment.utcoffset() == timedelta(0) for moment in results[0])


@SETTINGS
@given(scenarios(), st.integers(-5, 800))
def test_business_days_after_counts_like_is_business_day(
    scenario: tuple[CalendarSpec, datetime], span: int
) -> None:
    # The count of business days in (first, last] is the one a day-by-day walk gives, across
    # year boundaries, holidays and exceptions; empty when last is not after first.
    cal, start = scenario
    first = start.astimezone(UTC).date()
    last = first + timedelta(days=span)
    walked = sum(is_business_day(cal, first + timedelta(days=n)) for n in range(1, span + 1))
    assert business_days_after(cal, first, last) == walked
