"""Business calendars as plain, hashable data: weekly open intervals, dated exceptions, holidays.

A calendar is described in local wall-clock minutes (0 = midnight, 1440 = "24:00", the next
local midnight) in one IANA timezone. Which intervals a date D has (SPEC §6):

1. D has a dated exception → exactly the exception's intervals. The exception replaces both the
   weekly hours and the holiday status: an empty tuple is a closed day, intervals on an official
   holiday make it a worked holiday, intervals on a Saturday make a special working Saturday.
2. otherwise, ``observe_holidays`` and D is an official holiday (``holidays.MX``) → closed.
3. otherwise, the weekly intervals of D's weekday.

Overnight weekly hours (end at or before start, e.g. 22:00–06:00 on Monday) are accepted only by
:func:`make_calendar`, which splits them into Monday 22:00–24:00 and Tuesday 00:00–06:00. The
Tuesday part then belongs to Tuesday in every respect: a holiday or exception on Tuesday removes
or replaces it, and it makes Tuesday a business day. An end of "00:00" adds nothing to the next
day (22:00–00:00 is just 22:00–24:00); equal start and end mean 24 hours from the start.
Exception intervals are always within their own date (start before end).

Nothing here reads the clock or Django: this module is pure data and the MX holiday table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

MINUTES_PER_DAY = 1440
HOLIDAY_COUNTRY = "MX"
HOLIDAY_LANGUAGE = "es"

_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])|24:00")


def parse_hhmm(text: str) -> int:
    """Parse a local wall-clock time "HH:MM" (00:00 to 23:59, or "24:00") into minutes."""
    if not isinstance(text, str):
        raise ValueError(f"Hora inválida {text!r}: use HH:MM.")
    match = _HHMM.fullmatch(text)
    if match is None:
        raise ValueError(f"Hora inválida {text!r}: use HH:MM de 00:00 a 24:00.")
    if text == "24:00":
        return MINUTES_PER_DAY
    return int(match.group(1)) * 60 + int(match.group(2))


def format_hhmm(minutes: int) -> str:
    """Inverse of :func:`parse_hhmm`: 510 → "08:30", 1440 → "24:00"."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 1440:
        raise ValueError(f"Minuto del día inválido: {minutes!r}.")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True)
class Interval:
    """Local wall-clock open interval [start, end) in minutes since midnight; end may be 1440."""

    start: int
    end: int

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Los minutos de un intervalo deben ser enteros: {value!r}.")
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(
                f"Intervalo inválido {self.start}–{self.end}: se requiere 0 ≤ inicio < fin ≤ 1440."
            )

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_hhmm(self.start)}–{format_hhmm(self.end)}"


WeeklyEntry = tuple[int, Interval] | tuple[int, int | str, int | str]


class FrozenExceptions(Mapping[date, tuple[Interval, ...]]):
    """Immutable, hashable ``{date: intervals}``; an empty tuple is a closed day."""

    __slots__ = ("_data", "_hash")

    def __init__(
        self,
        items: Mapping[date, Iterable[Interval]] | Iterable[tuple[date, Iterable[Interval]]] = (),
    ) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        data: dict[date, tuple[Interval, ...]] = {}
        for day, intervals in pairs:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"La fecha de una excepción debe ser date: {day!r}.")
            ordered = tuple(sorted(intervals))
            if not all(isinstance(interval, Interval) for interval in ordered):
                raise ValueError(f"Intervalos inválidos en la excepción del {day}.")
            data[day] = ordered
        self._data = dict(sorted(data.items()))
        self._hash = hash(tuple(self._data.items()))

    def __getitem__(self, day: date) -> tuple[Interval, ...]:
        return self._data[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, day: object) -> bool:
        return day in self._data

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenExceptions):
            return self._hash == other._hash and self._data == other._data
        return super().__eq__(other)

    def __repr__(self) -> str:
        return f"FrozenExceptions({self._data!r})"


@dataclass(frozen=True)
class CalendarSpec:
    """Everything the SLA clock needs to know about one business calendar (hashable)."""

    code: str
    timezone: str
    weekly: tuple[tuple[int, Interval], ...]
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=FrozenExceptions)
    observe_holidays: bool = True
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as bad:
            raise ValueError(f"Zona horaria desconocida: {self.timezone!r}.") from bad
        for entry in self.weekly:
            try:
                weekday, interval = entry
            except (TypeError, ValueError) as bad:
                raise ValueError(f"Entrada semanal inválida: {entry!r}.") from bad
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(
                    f"Día de la semana inválido (0 = lunes … 6 = domingo): {weekday!r}."
                )
            if not isinstance(interval, Interval):
                raise ValueError(f"Intervalo semanal inválido: {entry!r}.")
        object.__setattr__(self, "weekly", tuple(sorted(self.weekly)))
        if not isinstance(self.exceptions, FrozenExceptions):
            object.__setattr__(self, "exceptions", FrozenExceptions(self.exceptions))
        key = (self.code, self.timezone, self.weekly, self.exceptions, self.observe_holidays)
        object.__setattr__(self, "_hash", hash(key))

    def __hash__(self) -> int:
        return self._hash


def _minute_of(value: int | str) -> int:
    if isinstance(value, str):
        return parse_hhmm(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440:
        raise ValueError(f"Hora inválida: {value!r}.")
    return value


def split_weekly(weekday: int, start: int | str, end: int | str) -> list[tuple[int, Interval]]:
    """One weekly entry as (weekday, Interval) pairs, splitting an overnight one at midnight.

    ``end <= start`` means the interval runs past midnight: (weekday, start–24:00) plus
    (weekday + 1 mod 7, 00:00–end); the second part is dropped when end is 00:00.
    """
    first, last = _minute_of(start), _minute_of(end)
    if last > first:
        return [(weekday, Interval(first, last))]
    if first == MINUTES_PER_DAY:
        raise ValueError("Un intervalo no puede empezar a las 24:00.")
    parts = [(weekday, Interval(first, MINUTES_PER_DAY))]
    if last > 0:
        parts.append(((weekday + 1) % 7, Interval(0, last)))
    return parts


def make_calendar(
    code: str,
    timezone: str,
    weekly: Iterable[WeeklyEntry],
    exceptions: Mapping[date, Iterable[Interval | tuple[int | str, int | str]]] | None = None,
    observe_holidays: bool = True,
) -> CalendarSpec:
    """Build a :class:`CalendarSpec` from friendly input.

    ``weekly`` holds ``(weekday, Interval)`` or ``(weekday, start, end)`` with start/end as
    minutes or "HH:MM"; overnight entries are split (see :func:`split_weekly`). ``exceptions``
    maps a date to its intervals (``Interval`` or ``(start, end)`` pairs, start before end); an
    empty list closes the date.
    """
    pairs: list[tuple[int, Interval]] = []
    for entry in weekly:
        if len(entry) == 2 and isinstance(entry[1], Interval):
            pairs.append((entry[0], entry[1]))
        elif len(entry) == 3:
            weekday, start, end = entry
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(
                    f"Día de la semana inválido (0 = lunes … 6 = domingo): {weekday!r}."
                )
            pairs.extend(split_weekly(weekday, start, end))
        else:
            raise ValueError(f"Entrada semanal inválida: {entry!r}.")
    dated: dict[date, tuple[Interval, ...]] = {}
    for day, intervals in (exceptions or {}).items():
        dated[day] = tuple(
            item
            if isinstance(item, Interval)
            else Interval(_minute_of(item[0]), _minute_of(item[1]))
            for item in intervals
        )
    return CalendarSpec(code, timezone, tuple(pairs), FrozenExceptions(dated), observe_holidays)


@lru_cache(maxsize=512)
def _holiday_table(year: int) -> tuple[tuple[date, str], ...]:
    table = holidays.country_holidays(HOLIDAY_COUNTRY, years=year, language=HOLIDAY_LANGUAGE)
    return tuple(sorted((day, str(name)) for day, name in table.items() if day.year == year))


@lru_cache(maxsize=512)
def holiday_dates(year: int) -> frozenset[date]:
    """The official MX holidays of ``year`` as a set (what the clock consults)."""
    return frozenset(day for day, _ in _holiday_table(year))


def official_holidays(year: int) -> dict[date, str]:
    """Official holidays of ``year`` (``holidays`` country MX, Spanish names), date-ordered."""
    return dict(_holiday_table(year))


def intervals_on(cal: CalendarSpec, day: date) -> tuple[Interval, ...]:
    """Wall-clock open intervals of ``day``: its exception, else none on a holiday, else weekly."""
    if isinstance(day, datetime):
        raise ValueError("intervals_on espera una fecha (date), no un datetime.")
    if day in cal.exceptions:
        return cal.exceptions[day]
    if cal.observe_holidays and day in holiday_dates(day.year):
        return ()
    weekday = day.weekday()
    return tuple(interval for wd, interval in cal.weekly if wd == weekday)
