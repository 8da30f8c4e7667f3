"""SLA clock throughput: due-date computations per second, warm cache, one process.

Run: ``.venv/bin/python bench/sla_bench.py`` (prints figures; asserts nothing).

Mix: six calendars (INSTITUCIONAL in Mexico City, Cesi in Tijuana, Cancún and Ciudad Juárez,
an extended-hours Monterrey Cesi with Saturdays, a split-day area in Hermosillo), received
instants uniformly random over 2026–2027, targets of 1–30 business days or 1–72 business hours.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from businesstime.clock import (
    BUSINESS_DAYS,
    BUSINESS_HOURS,
    CalendarSpec,
    clear_cache,
    due_at,
    make_calendar,
    warn_at,
)

MON_FRI = range(5)
CALENDARS = [
    make_calendar("INSTITUCIONAL", "America/Mexico_City", [(d, "09:00", "18:00") for d in MON_FRI]),
    make_calendar(
        "CESI_TIJUANA",
        "America/Tijuana",
        [(d, "08:30", "14:30") for d in MON_FRI],
        {date(2026, 12, 24): [], date(2026, 12, 31): []},
    ),
    make_calendar("CESI_CANCUN", "America/Cancun", [(d, "08:30", "14:30") for d in MON_FRI]),
    make_calendar("CESI_JUAREZ", "America/Ciudad_Juarez", [(d, "08:30", "14:30") for d in MON_FRI]),
    make_calendar(
        "CESI_MONTERREY",
        "America/Monterrey",
        [(d, "08:30", "18:00") for d in MON_FRI] + [(5, "08:30", "14:30")],
    ),
    make_calendar(
        "AREA_HERMOSILLO",
        "America/Hermosillo",
        [(d, "09:00", "13:00") for d in MON_FRI] + [(d, "15:00", "19:00") for d in MON_FRI],
    ),
]
N = 100_000
ROUNDS = 5
SPAN_SECONDS = int(
    (datetime(2028, 1, 1, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds()
)


def workload(
    unit: str, low: int, high: int, seed: int
) -> list[tuple[CalendarSpec, datetime, int, str]]:
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (
            rng.choice(CALENDARS),
            base
            + timedelta(seconds=rng.randrange(SPAN_SECONDS), microseconds=rng.randrange(1_000_000)),
            rng.randint(low, high),
            unit,
        )
        for _ in range(N)
    ]


def rate(
    label: str, jobs: list[tuple[CalendarSpec, datetime, int, str]], run: Callable[..., object]
) -> None:
    for job in jobs:  # warm: every calendar-year involved is built before timing
        run(*job)
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for job in jobs:
            run(*job)
        rounds.append(len(jobs) / (time.perf_counter() - started))
    best, median = max(rounds), statistics.median(rounds)
    print(f"{label:<40} best {best:>9,.0f}/s  median {median:>9,.0f}/s  ({1e6 / best:.2f} µs each)")


def due_and_warn(cal: CalendarSpec, start: datetime, value: int, unit: str) -> datetime:
    due = due_at(cal, start, value, unit)
    return warn_at(cal, start, due, unit, 75)


def main() -> None:
    print(
        f"SLA clock benchmark, Python {sys.version.split()[0]}: {ROUNDS} rounds of {N:,} per figure"
    )
    days = workload(BUSINESS_DAYS, 1, 30, seed=1)
    hours = workload(BUSINESS_HOURS, 1, 72, seed=2)
    rate("due_at business_days (1–30)", days, due_at)
    rate("due_at business_hours (1–72)", hours, due_at)
    rate(
        "due_at mixed (half days, half hours)",
        [j for pair in zip(days, hours, strict=True) for j in pair][:N],
        due_at,
    )
    rate("due_at + warn_at 75 % business_days", days, due_and_warn)
    rate("due_at + warn_at 75 % business_hours", hours, due_and_warn)

    clear_cache()
    started = time.perf_counter()
    for cal in CALENDARS:
        for year in (2026, 2027):
            due_at(cal, datetime(year, 6, 1, tzinfo=UTC), 1, BUSINESS_HOURS)
    elapsed = time.perf_counter() - started
    print(f"{'cold: build one calendar-year':<40} {elapsed * 1e3 / (2 * len(CALENDARS)):>9.2f} ms")


if __name__ == "__main__":
    main()
