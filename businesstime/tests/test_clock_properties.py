"""Property-based tests for the SLA clock (hypothesis, derandomized).

Besides algebraic properties, results are compared with a deliberately naive oracle written
here from SPEC §6 alone: it walks local dates one by one, converts each wall time with
``datetime(..., tzinfo=ZoneInfo(tz))`` (fold=0) → UTC, and adds intervals up in order. It shares
no code with the clock, which bisects precomputed yearly arrays.
"""

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
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
    make_calendar,
    next_opening,
    open_time_between,
    truncate_to_second,
    warn_at,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
ONE_DAY = timedelta(days=1)
SETTINGS = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- the naive oracle


def to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


_HOLIDAYS: dict[int, set[date]] = {}


def _is_holiday(day: date) -> bool:
    if day.year not in _HOLIDAYS:
        _HOLIDAYS[day.year] = set(holidays.country_holidays("MX", years=day.year))
    return day in _HOLIDAYS[day.year]


def _wall(day: date, minute: int, tz: ZoneInfo) -> datetime:
    if minute == 1440:
        day, minute = day + ONE_DAY, 0
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz).astimezone(
        UTC
    )


def oracle_day(cal: CalendarSpec, day: date) -> list[tuple[datetime, datetime]]:
    """UTC open pieces of one local date, by SPEC §6 (exception, else holiday, else weekly)."""
    tz = ZoneInfo(cal.timezone)
    if day in cal.exceptions:
        wall = list(cal.exceptions[day])
    elif cal.observe_holidays and _is_holiday(day):
        wall = []
    else:
        wall = [interval for weekday, interval in cal.weekly if weekday == day.weekday()]
    lo, hi = _wall(day, 0, tz), _wall(day, 1440, tz)
    pieces = []
    for interval in wall:
        start = max(_wall(day, interval.start, tz), lo)
        end = min(_wall(day, interval.end, tz), hi)
        if start < end:
            pieces.append((start, end))
    return sorted(pieces)


def oracle_intervals(
    cal: CalendarSpec, since: datetime, max_days: int = 20 * 366
) -> Iterator[tuple[datetime, datetime]]:
    """Merged UTC open intervals from the local date before ``since`` on, in order."""
    day = since.astimezone(ZoneInfo(cal.timezone)).date() - ONE_DAY
    current: tuple[datetime, datetime] | None = None
    for _ in range(max_days):
        for start, end in oracle_day(cal, day):
            if current is not None and start <= current[1]:
                current = (current[0], max(current[1], end))
            else:
                if current is not None:
                    yield current
                current = (start, end)
        day += ONE_DAY
    if current is not None:
        yield current


def oracle_add(cal: CalendarSpec, start: datetime, duration: timedelta) -> datetime:
    start = to_utc(start)  # aware arithmetic on a shared tzinfo is wall-clock arithmetic
    if duration == timedelta(0):
        return start
    for opening, closing in oracle_intervals(cal, start):
        if closing <= start:
            continue
        begin = max(opening, start)
        if duration <= closing - begin:
            return begin + duration
        duration -= closing - begin
    raise AssertionError("oracle ran out of days")


def oracle_between(cal: CalendarSpec, a: datetime, b: datetime) -> timedelta:
    a, b = to_utc(a), to_utc(b)
    total = timedelta(0)
    for opening, closing in oracle_intervals(cal, a):
        if opening >= b:
            break
        begin, end = max(opening, a), min(closing, b)
        if begin < end:
            total += end - begin
    return total


def oracle_business_days(cal: CalendarSpec, start: datetime, n: int) -> datetime:
    day = start.astimezone(ZoneInfo(cal.timezone)).date()
    for _ in range(800):
        day += ONE_DAY
        pieces = oracle_day(cal, day)
        if pieces:
            n -= 1
            if n == 0:
                return max(end for _, end in pieces)
    raise AssertionError("oracle ran out of days")


def oracle_warn(cal: CalendarSpec, start: datetime, due: datetime, unit: str, pct: int) -> datetime:
    """Exact warning instant with Fractions, floored to the second."""
    start, due = to_utc(start), to_utc(due)
    if unit in (CALENDAR_HOURS, CALENDAR_DAYS):
        exact = Fraction((start - EPOCH) // ONE_US) + Fraction((due - start) // ONE_US * pct, 100)
    else:
        target = Fraction(oracle_between(cal, start, due) // ONE_US * pct, 100)
        exact = Fraction((start - EPOCH) // ONE_US)
        if target > 0:
            for opening, closing in oracle_intervals(cal, start):
                if closing <= start:
                    continue
                begin = max(opening, start)
                available = (closing - begin) // ONE_US
                if target <= available:
                    exact = (begin - EPOCH) // ONE_US + target
                    break
                target -= available
    seconds = int(exact // 1_000_000)
    return EPOCH + timedelta(seconds=seconds)


# --------------------------------------------------------------------------- strategies

TIMEZONES = ["America/Tijuana", "America/Mexico_City", "America/Cancun", "America/Ciudad_Juarez"]
FIXED = [
    make_calendar(
        "INSTITUCIONAL", "America/Mexico_City", [(d, "09:00", "18:00") for d in range(5)]
    ),
    make_calendar("CESI_TIJ", "America/Tijuana", [(d, "08:30", "14:30") for d in range(5)]),
    make_calendar(
        "PARTIDO_CUN",
        "America/Cancun",
        [(d, "09:00", "13:00") for d in range(5)] + [(d, "15:00", "19:00") for d in range(5)],
    ),
    make_calendar("H24_TIJ", "America/Tijuana", [(d, "00:00", "24:00") for d in range(7)]),
    make_calendar(
        "NOCTURNO_CJS", "America/Ciudad_Juarez", [(d, "22:00", "06:00") for d in range(5)]
    ),
    # Intervals inside the 02:00–03:00 DST gap and the repeated 01:00–02:00 hour.
    make_calendar(
        "MADRUGADA_TIJ", "America/Tijuana", [(6, "01:30", "02:30"), (6, "02:45", "04:00")]
    ),
]
# Starts concentrated where things happen: DST changes and the turn of the year.
HOT_SPOTS = [
    datetime(2026, 3, 8, 10, tzinfo=UTC),
    datetime(2026, 11, 1, 9, tzinfo=UTC),
    datetime(2027, 3, 14, 10, tzinfo=UTC),
    datetime(2027, 11, 7, 9, tzinfo=UTC),
    datetime(2026, 12, 24, 12, tzinfo=UTC),
    datetime(2026, 11, 13, 12, tzinfo=UTC),
]
SPAN_US = (datetime(2028, 1, 1, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)) // ONE_US


@st.composite
def instants(draw: st.DrawFn, whole_seconds: bool = False) -> datetime:
    if draw(st.booleans()):
        base = draw(st.sampled_from(HOT_SPOTS))
        moment = base + timedelta(
            microseconds=draw(st.integers(-4 * 86_400_000_000, 4 * 86_400_000_000))
        )
    else:
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
            microseconds=draw(st.integers(0, SPAN_US))
        )
    if whole_seconds or draw(st.booleans()):
        moment = moment.replace(microsecond=0)
    # The same instant may come expressed in any timezone.
    return moment.astimezone(ZoneInfo(draw(st.sampled_from([*TIMEZONES, "UTC", "Asia/Tokyo"]))))


quarter = st.integers(0, 96).map(lambda q: q * 15)


@st.composite
def calendars(draw: st.DrawFn, near: date | None = None) -> CalendarSpec:
    if draw(st.booleans()):
        return draw(st.sampled_from(FIXED))
    weekly = draw(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 95).map(lambda q: q * 15), quarter),
            min_size=1,
            max_size=6,
        )
    )
    exceptions: dict[date, list[tuple[int, int]]] = {}
    if near is not None:
        for offset in draw(st.lists(st.integers(-2, 12), max_size=4, unique=True)):
            cuts = sorted(draw(st.lists(quarter, max_size=4, unique=True)))
            exceptions[near + timedelta(days=offset)] = list(
                zip(cuts[::2], cuts[1::2], strict=False)
            )
    return make_calendar(
        "RANDOM",
        draw(st.sampled_from(TIMEZONES)),
        weekly,
        exceptions,
        observe_holidays=draw(st.booleans()),
    )


@st.composite
def scenarios(draw: st.DrawFn, whole_seconds: bool = False) -> tuple[CalendarSpec, datetime]:
    start = draw(instants(whole_seconds))
    return draw(calendars(near=start.astimezone(UTC).date())), start


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
