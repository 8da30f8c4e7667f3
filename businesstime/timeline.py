"""Per-calendar precomputed open time: UTC interval arrays with prefix sums, one block per year.

For each (calendar, local year) a :class:`YearBlock` is built lazily and cached: the year's open
intervals as sorted, merged, half-open [start, end) UTC instants in integer microseconds since the
Unix epoch, a running total of open time at each interval end, and the business days of the year
with their closing instants. Every query is then a bisection in one or a few blocks: O(log n) in a
year, O(years spanned) across years; nothing steps minute by minute or day by day.

Local wall time → UTC (SPEC §6 leaves the DST edge cases to us; this is the rule):

* A wall time on date D is ``datetime(D, hh:mm, tzinfo=ZoneInfo(tz))`` with ``fold=0``, converted
  to UTC. "24:00" on D is 00:00 on D + 1, so a 00:00–24:00 day lasts exactly as long as that
  local day (23 h on 2026-03-08 in America/Tijuana, 25 h on 2026-11-01).
* A nonexistent wall time (inside a spring-forward gap) maps forward by the gap, as ``fold=0``
  does: in Tijuana on 2026-03-08, 02:30 means 10:30 UTC = 03:30 PDT. An interval whose end maps
  to or before its start is empty (02:30–03:00 that day has no open time).
* An ambiguous wall time (the repeated hour of a fall-back) is its first occurrence (``fold=0``,
  the daylight-time reading): in Tijuana on 2026-11-01, 01:30 means 08:30 UTC.
* Each converted interval is clamped to its own local day (between the conversions of D 00:00 and
  D + 1 00:00), so a date's open time never leaks into another date.
* Overlapping or touching intervals (several weekly entries, an overnight split meeting the next
  day) are merged: open time is a union, never counted twice.
* A business day is a date with positive open time after conversion; its closing instant is the
  latest end of its converted intervals (the end of its last interval).

Year blocks are bounded by local midnight of 1 January. Only years MIN_YEAR..MAX_YEAR are
supported. A calendar with no weekly hours has no open time after its last exception: a search
past that raises ValueError instead of looping.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar_spec import MINUTES_PER_DAY, CalendarSpec, intervals_on

MIN_YEAR = 1900
MAX_YEAR = 2999
US_PER_SECOND = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_APPROX_YEAR_US = 31_556_952 * US_PER_SECOND  # 365.2425 days
_ONE_DAY = timedelta(days=1)
_MAX_CACHED_CALENDARS = 128


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact, integer)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US_PER_SECOND + delta.microseconds


def from_us(us: int) -> datetime:
    """The UTC datetime ``us`` microseconds after the Unix epoch."""
    return EPOCH + timedelta(0, us // US_PER_SECOND, us % US_PER_SECOND)


def wall_to_us(day: date, minute: int, tz: ZoneInfo) -> int:
    """UTC microseconds of local wall time ``minute`` on ``day`` (fold=0; 1440 = next midnight)."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + _ONE_DAY, 0
    hour, minute = divmod(minute, 60)
    return to_us(datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz))


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"Fecha fuera del rango admitido por el reloj SLA ({MIN_YEAR}–{MAX_YEAR})."
        )


@dataclass(frozen=True, slots=True)
class YearBlock:
    """Open time of one local year; ``lo``/``hi`` are local midnight of 1 Jan this/next year."""

    year: int
    lo: int
    hi: int
    starts: list[int]
    ends: list[int]
    cum_end: list[int]  # open µs from ``lo`` up to ends[i]
    total: int
    day_ordinals: list[int]  # business days (date.toordinal()), ascending
    day_closings: list[int]  # closing instant of each business day, µs

    def open_before(self, t: int) -> int:
        """Open µs in [lo, t), for lo <= t <= hi."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cum_end[i] - max(self.ends[i] - t, 0)

    def instant_after(self, amount: int) -> int:
        """Earliest instant with ``amount`` open µs since ``lo`` (0 < amount <= total)."""
        i = bisect_left(self.cum_end, amount)
        return self.ends[i] - (self.cum_end[i] - amount)

    def opening_at_or_after(self, t: int) -> int | None:
        """``t`` if it is open time, else the next opening in this block (None if none)."""
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return t
        return self.starts[i + 1] if i + 1 < len(self.starts) else None


def build_year(cal: CalendarSpec, tz: ZoneInfo, year: int) -> YearBlock:
    """Convert every date of ``year`` to UTC open intervals (see the module docstring)."""
    day = date(year, 1, 1)
    day_start = lo = wall_to_us(day, 0, tz)
    pieces: list[tuple[int, int]] = []
    day_ordinals: list[int] = []
    day_closings: list[int] = []
    while day.year == year:
        day_end = wall_to_us(day, MINUTES_PER_DAY, tz)
        closing = None
        for interval in intervals_on(cal, day):
            start = max(wall_to_us(day, interval.start, tz), day_start)
            end = min(wall_to_us(day, interval.end, tz), day_end)
            if start < end:
                pieces.append((start, end))
                closing = end if closing is None else max(closing, end)
        if closing is not None:
            day_ordinals.append(day.toordinal())
            day_closings.append(closing)
        day, day_start = day + _ONE_DAY, day_end
    pieces.sort()
    starts: list[int] = []
    ends: list[int] = []
    for start, end in pieces:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    cum_end: list[int] = []
    total = 0
    for start, end in zip(starts, ends, strict=True):
        total += end - start
        cum_end.append(total)
    return YearBlock(year, lo, day_start, starts, ends, cum_end, total, day_ordinals, day_closings)


class Timeline:
    """Lazily built, cached year blocks of one calendar. Safe to share between threads."""

    def __init__(self, cal: CalendarSpec) -> None:
        self.cal = cal
        self.tz = ZoneInfo(cal.timezone)
        self._blocks: dict[int, YearBlock] = {}
        self._bounds: dict[int, int] = {}
        self._lock = threading.Lock()
        # Without weekly hours, nothing is open after the last exception's year.
        last_exception = max((day.year for day in cal.exceptions), default=MIN_YEAR - 1)
        self._last_open_year = MAX_YEAR if cal.weekly else last_exception

    def block(self, year: int) -> YearBlock:
        found = self._blocks.get(year)
        if found is None:
            _check_year(year)
            with self._lock:
                found = self._blocks.get(year)
                if found is None:
                    found = self._blocks[year] = build_year(self.cal, self.tz, year)
        return found

    def next_block(self, year: int) -> YearBlock:
        """The block after ``year``, refusing to search past the calendar's last open time."""
        if self._last_open_year <= year < MAX_YEAR:
            raise ValueError(
                f"El calendario {self.cal.code} no tiene tiempo hábil después de {year}."
            )
        return self.block(year + 1)

    def _bound(self, year: int) -> int:
        found = self._bounds.get(year)
        if found is None:
            if year != MAX_YEAR + 1:  # 1 Jan of MAX_YEAR + 1 still closes MAX_YEAR's block
                _check_year(year)
            found = self._bounds[year] = wall_to_us(date(year, 1, 1), 0, self.tz)
        return found

    def block_at(self, t: int) -> YearBlock:
        """The block of the local year containing instant ``t``."""
        year = 1970 + t // _APPROX_YEAR_US
        found = self._blocks.get(year)
        if found is not None and found.lo <= t < found.hi:
            return found
        while t < self._bound(year):
            year -= 1
        while t >= self._bound(year + 1):
            year += 1
        return self.block(year)

    def add(self, start: int, amount: int) -> int:
        """Earliest instant with ``amount`` (> 0) open µs elapsed since ``start``."""
        if amount > self._bound(MAX_YEAR + 1) - start:  # open time never outruns elapsed time
            _check_year(MAX_YEAR + 1)
        block = self.block_at(start)
        remaining = amount + block.open_before(start)
        while remaining > block.total:
            remaining -= block.total
            block = self.next_block(block.year)
        return block.instant_after(remaining)

    def between(self, a: int, b: int) -> int:
        """Open µs in [a, b); 0 when b <= a."""
        if b <= a:
            return 0
        first, last = self.block_at(a), self.block_at(b)
        if first.year == last.year:
            return last.open_before(b) - first.open_before(a)
        middle = sum(self.block(year).total for year in range(first.year + 1, last.year))
        return first.total - first.open_before(a) + middle + last.open_before(b)

    def next_opening(self, t: int) -> int:
        block = self.block_at(t)
        found = block.opening_at_or_after(t)
        while found is None:
            block = self.next_block(block.year)
            found = block.starts[0] if block.starts else None
        return found

    def nth_business_day_closing(self, after: date, n: int) -> int:
        """Closing instant of the n-th (>= 1) business day strictly after local date ``after``."""
        if n > (date(MAX_YEAR, 12, 31) - after).days:  # a business day is at least a date
            _check_year(MAX_YEAR + 1)
        block = self.block(after.year)
        index = bisect_right(block.day_ordinals, after.toordinal()) + n - 1
        while index >= len(block.day_ordinals):
            index -= len(block.day_ordinals)
            block = self.next_block(block.year)
        return block.day_closings[index]

    def business_days_after(self, first: date, last: date) -> int:
        """How many business days lie in the local dates (first, last]; 0 when last <= first."""
        count = 0
        for year in range(first.year, last.year + 1):
            ordinals = self.block(year).day_ordinals
            count += bisect_right(ordinals, last.toordinal()) - bisect_right(
                ordinals, first.toordinal()
            )
        return max(count, 0)

    def is_business_day(self, day: date) -> bool:
        ordinals = self.block(day.year).day_ordinals
        i = bisect_left(ordinals, day.toordinal())
        return i < len(ordinals) and ordinals[i] == day.toordinal()


_TIMELINES: dict[CalendarSpec, Timeline] = {}
_TIMELINES_LOCK = threading.Lock()


def timeline_for(cal: CalendarSpec) -> Timeline:
    """The cached :class:`Timeline` of ``cal`` (keyed on the frozen spec itself)."""
    found = _TIMELINES.get(cal)
    if found is None:
        if not isinstance(cal, CalendarSpec):
            raise ValueError(f"Se esperaba un CalendarSpec, no {type(cal).__name__}.")
        with _TIMELINES_LOCK:
            found = _TIMELINES.get(cal)
            if found is None:
                if len(_TIMELINES) >= _MAX_CACHED_CALENDARS:
                    del _TIMELINES[next(iter(_TIMELINES))]
                found = _TIMELINES[cal] = Timeline(cal)
    return found


def clear_cache() -> None:
    """Forget every precomputed timeline (tests, or after editing many calendars)."""
    with _TIMELINES_LOCK:
        _TIMELINES.clear()
