"""The SLA clock's property tests' oracle and strategies (hypothesis).

The oracle is deliberately naive, written from SPEC §6 alone: it walks local dates one by one,
converts each wall time with ``datetime(..., tzinfo=ZoneInfo(tz))`` (fold=0) → UTC, and adds
intervals up in order. It shares no code with the clock, which bisects precomputed yearly arrays.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from businesstime.clock import (
    CALENDAR_DAYS,
    CALENDAR_HOURS,
    CalendarSpec,
    make_calendar,
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
