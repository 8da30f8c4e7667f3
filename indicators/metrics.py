"""The metrics of SPEC §7: names, the counters rollups keep, and how counters become numbers.

Pure: no ORM. A :class:`Tally` holds, for one group, the sums of every rollup counter plus the
resolution-time histogram; adding tallies is how rollup rows, live corrections and groups
combine. :func:`metrics_from` turns a tally (and the backlog at the end of the range) into the
published numbers: percentages, averages and rates rounded to two decimals, ``None`` when the
denominator is zero.
"""

from __future__ import annotations

import bisect
import math
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

# Indicators are bucketed by the local date at the institute's seat (SPEC §7).
INDICATOR_TZ = zoneinfo.ZoneInfo("America/Mexico_City")

# Upper-open bucket edges of resolution time, in open-time hours: bucket i is
# [EDGES[i], EDGES[i + 1]); the last bucket is [EDGES[-1], ∞).
HOUR_EDGES: tuple[float, ...] = (
    0,
    0.5,
    1,
    2,
    3,
    4,
    6,
    8,
    12,
    16,
    24,
    32,
    40,
    48,
    60,
    72,
    96,
    120,
    160,
    200,
    240,
    320,
    400,
    500,
    640,
    800,
    1000,
    1500,
    2000,
    3000,
    5000,
)
BUCKETS = len(HOUR_EDGES)
HISTOGRAM_FIELDS = tuple(f"h{i:02d}" for i in range(BUCKETS))

# Counters every rollup row keeps (summed over rows). Backlog deltas are per-day changes of
# the open (and open-and-past-due) cases; see indicators.facts.Spell.
COUNTER_FIELDS = (
    "received",
    "received_complaints",
    "resolutions",
    "resolved_within_sla",
    "resolution_ms",
    "fcr",
    "first_responses",
    "first_responses_within_sla",
    "reopens",
    "survey_responses",
    "csat_count",
    "csat_sum",
    "csat_positive",
    "nps_count",
    "nps_promoters",
    "nps_detractors",
    "backlog_delta",
    "breached_delta",
)
TALLY_FIELDS = COUNTER_FIELDS + HISTOGRAM_FIELDS

# The published metrics, in the order the API prints them.
METRICS = (
    "received",
    "complaints_per_1000",
    "resolutions",
    "resolved_within_sla",
    "sla_compliance_pct",
    "first_responses",
    "first_responses_within_sla",
    "first_response_compliance_pct",
    "resolution_hours_avg",
    "resolution_hours_p50",
    "resolution_hours_p90",
    "fcr_pct",
    "reopen_pct",
    "backlog",
    "backlog_breached",
    "survey_responses",
    "csat_pct",
    "csat_avg",
    "nps",
)
# Metrics that are counts (integers); every other one is a two-decimal number or null.
COUNT_METRICS = frozenset(
    {
        "received",
        "resolutions",
        "resolved_within_sla",
        "first_responses",
        "first_responses_within_sla",
        "backlog",
        "backlog_breached",
        "survey_responses",
    }
)
GROUP_DIMENSIONS = ("channel", "directorate", "area", "office", "service", "kind", "day")
TWO_PLACES = Decimal("0.01")


def bucket_of(hours: float) -> int:
    """The histogram bucket of a resolution time in hours (negative times count as 0)."""
    return max(bisect.bisect_right(HOUR_EDGES, hours) - 1, 0)


def local_date(moment: datetime) -> date:
    return moment.astimezone(INDICATOR_TZ).date()


def day_end(day: date) -> datetime:
    """The instant that ends local date ``day`` (the next local midnight)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=INDICATOR_TZ)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=INDICATOR_TZ)


@dataclass
class Tally:
    """Summed counters of one group; ``values`` follows :data:`TALLY_FIELDS`."""

    values: list[int] = field(default_factory=lambda: [0] * len(TALLY_FIELDS))

    def add(self, other: Tally, sign: int = 1) -> None:
        for i, value in enumerate(other.values):
            self.values[i] += sign * value

    def get(self, name: str) -> int:
        return self.values[TALLY_INDEX[name]]

    def bump(self, name: str, amount: int = 1) -> None:
        self.values[TALLY_INDEX[name]] += amount

    def histogram(self) -> list[int]:
        return self.values[len(COUNTER_FIELDS) :]

    def is_empty(self) -> bool:
        return not any(self.values)


TALLY_INDEX = {name: i for i, name in enumerate(TALLY_FIELDS)}


def _two(value: Decimal | float | int) -> float:
    return float(Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def ratio(numerator: int, denominator: int, scale: int = 100) -> float | None:
    """numerator / denominator × scale, two decimals (exact decimal arithmetic), or None."""
    if denominator == 0:
        return None
    exact = Decimal(numerator) * scale / Decimal(denominator)
    return float(exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def percentile_from_histogram(histogram: list[int], pct: int) -> float | None:
    """The nearest-rank percentile read from the histogram, interpolated inside its bucket.

    The exact value (the ⌈pct·n/100⌉-th smallest) lies in the bucket found; the answer is
    strictly inside that same bucket (values spread evenly over it, each at the middle of its
    share), so rollups agree with a direct computation within one bucket. The last,
    open-ended bucket answers its lower edge.
    """
    total = sum(histogram)
    if total == 0:
        return None
    rank = max(math.ceil(pct * total / 100), 1)
    seen = 0
    for i, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = HOUR_EDGES[i]
            if i + 1 == BUCKETS:
                return _two(low)
            high = HOUR_EDGES[i + 1]
            return _two(low + (high - low) * (rank - seen - 0.5) / count)
        seen += count
    return None  # unreachable: rank <= total


def exact_percentile(values: list[float], pct: int) -> float | None:
    """Nearest-rank percentile of raw values (what the histogram approximates)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(pct * len(ordered) / 100), 1) - 1]


def metrics_from(
    tally: Tally, backlog: int, backlog_breached: int
) -> dict[str, int | float | None]:
    """Every SPEC §7 metric of one group."""
    t = tally.get
    resolutions = t("resolutions")
    histogram = tally.histogram()
    avg = None
    if resolutions:
        avg = float(
            (Decimal(t("resolution_ms")) / Decimal(3_600_000) / resolutions).quantize(
                TWO_PLACES, rounding=ROUND_HALF_UP
            )
        )
    csat_avg = None
    if t("csat_count"):
        csat_avg = float(
            (Decimal(t("csat_sum")) / t("csat_count")).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        )
    nps = None
    if t("nps_count"):
        exact = (
            (Decimal(t("nps_promoters")) - Decimal(t("nps_detractors")))
            * 100
            / Decimal(t("nps_count"))
        )
        nps = float(exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))
    return {
        "received": t("received"),
        "complaints_per_1000": ratio(t("received_complaints"), t("received"), 1000),
        "resolutions": resolutions,
        "resolved_within_sla": t("resolved_within_sla"),
        "sla_compliance_pct": ratio(t("resolved_within_sla"), resolutions),
        "first_responses": t("first_responses"),
        "first_responses_within_sla": t("first_responses_within_sla"),
        "first_response_compliance_pct": ratio(
            t("first_responses_within_sla"), t("first_responses")
        ),
        "resolution_hours_avg": avg,
        "resolution_hours_p50": percentile_from_histogram(histogram, 50),
        "resolution_hours_p90": percentile_from_histogram(histogram, 90),
        "fcr_pct": ratio(t("fcr"), resolutions),
        "reopen_pct": ratio(t("reopens"), resolutions),
        "backlog": backlog,
        "backlog_breached": backlog_breached,
        "survey_responses": t("survey_responses"),
        "csat_pct": ratio(t("csat_positive"), t("csat_count")),
        "csat_avg": csat_avg,
        "nps": nps,
    }
