"""The two INSERT … SELECT statements that aggregate facts and spells into daily rollups.

Plain SQL that PostgreSQL and SQLite both run: one row per fact or per spell change (opening,
falling past due, ending), summed per (date, dimensions). Each statement takes an inclusive
date range as parameters (the full one four times: facts, openings, breaches, endings).
"""

from __future__ import annotations

from functools import cache

from .metrics import BUCKETS, COUNTER_FIELDS, HISTOGRAM_FIELDS
from .models import BacklogSpell, DailyChannelRollup, DailyRollup, IndicatorFact

DIMENSIONS = ("channel_id", "directorate_id", "area_id", "office_id", "service_id", "kind")

# Each counter as an expression over one IndicatorFact row.
_FACT_EXPRESSIONS = {
    "received": "CASE WHEN metric = 'received' THEN 1 ELSE 0 END",
    "received_complaints": "CASE WHEN metric = 'received' AND kind = 'complaint' THEN 1 ELSE 0 END",
    "resolutions": "CASE WHEN metric = 'resolution' THEN 1 ELSE 0 END",
    "resolved_within_sla": "CASE WHEN metric = 'resolution' AND within_sla THEN 1 ELSE 0 END",
    "resolution_ms": "CASE WHEN metric = 'resolution' THEN resolution_ms ELSE 0 END",
    "fcr": "CASE WHEN metric = 'resolution' AND fcr THEN 1 ELSE 0 END",
    "first_responses": "CASE WHEN metric = 'first_response' THEN 1 ELSE 0 END",
    "first_responses_within_sla": "CASE WHEN metric = 'first_response' AND within_sla THEN 1 ELSE 0 END",
    "reopens": "CASE WHEN metric = 'reopen' THEN 1 ELSE 0 END",
    "survey_responses": "CASE WHEN metric = 'survey' THEN 1 ELSE 0 END",
    "csat_count": "CASE WHEN csat IS NOT NULL THEN 1 ELSE 0 END",
    "csat_sum": "COALESCE(csat, 0)",
    "csat_positive": "CASE WHEN csat >= 4 THEN 1 ELSE 0 END",
    "nps_count": "CASE WHEN nps IS NOT NULL THEN 1 ELSE 0 END",
    "nps_promoters": "CASE WHEN nps >= 9 THEN 1 ELSE 0 END",
    "nps_detractors": "CASE WHEN nps <= 6 THEN 1 ELSE 0 END",
    "backlog_delta": "0",
    "breached_delta": "0",
}
assert set(_FACT_EXPRESSIONS) == set(COUNTER_FIELDS)


def _select(date: str, table: str, counters: dict[str, str], where: str) -> str:
    values = [counters.get(name, "0") for name in COUNTER_FIELDS]
    histogram = [counters.get(name, "0") for name in HISTOGRAM_FIELDS]
    columns = ", ".join(
        [
            f"{date} AS d",
            *DIMENSIONS,
            *(f"{v} AS {n}" for v, n in zip(values, COUNTER_FIELDS, strict=True)),
            *(f"{v} AS {n}" for v, n in zip(histogram, HISTOGRAM_FIELDS, strict=True)),
        ]
    )
    return f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608 - names from the models, no input


@cache
def rollup_full_sql() -> str:
    facts = IndicatorFact._meta.db_table
    spells = BacklogSpell._meta.db_table
    fact_counters = dict(_FACT_EXPRESSIONS)
    fact_counters.update(
        {HISTOGRAM_FIELDS[i]: f"CASE WHEN bucket = {i} THEN 1 ELSE 0 END" for i in range(BUCKETS)}
    )
    parts = [
        _select("date", facts, fact_counters, "date BETWEEN %s AND %s"),
        # Opening: open at the end of its first date unless it ended that same date.
        _select(
            "start_date",
            spells,
            {
                "backlog_delta": "1",
                "breached_delta": "CASE WHEN breach_date <= start_date THEN 1 ELSE 0 END",
            },
            "start_date BETWEEN %s AND %s AND (end_date IS NULL OR end_date > start_date)",
        ),
        # Falling past due on a later date while still open.
        _select(
            "breach_date",
            spells,
            {"breached_delta": "1"},
            "breach_date BETWEEN %s AND %s AND breach_date > start_date AND (end_date IS NULL OR end_date > breach_date)",
        ),
        # Ending on a later date than it opened.
        _select(
            "end_date",
            spells,
            {
                "backlog_delta": "-1",
                "breached_delta": "CASE WHEN breach_date < end_date THEN -1 ELSE 0 END",
            },
            "end_date BETWEEN %s AND %s AND end_date > start_date",
        ),
    ]
    sums = ", ".join(f"SUM({name})" for name in (*COUNTER_FIELDS, *HISTOGRAM_FIELDS))
    target = ", ".join(("date", *DIMENSIONS, *COUNTER_FIELDS, *HISTOGRAM_FIELDS))
    union = " UNION ALL ".join(parts)
    return (
        f"INSERT INTO {DailyRollup._meta.db_table} ({target}) "  # noqa: S608 - names from the models
        f"SELECT d, {', '.join(DIMENSIONS)}, {sums} FROM ({union}) AS u GROUP BY d, {', '.join(DIMENSIONS)}"
    )


@cache
def rollup_channel_sql() -> str:
    fields = (*COUNTER_FIELDS, *HISTOGRAM_FIELDS)
    sums = ", ".join(f"SUM({name})" for name in fields)
    target = ", ".join(("date", "channel_id", "directorate_id", *fields))
    return (
        f"INSERT INTO {DailyChannelRollup._meta.db_table} ({target}) "  # noqa: S608 - names from the models
        f"SELECT date, channel_id, directorate_id, {sums} FROM {DailyRollup._meta.db_table} "
        "WHERE date BETWEEN %s AND %s GROUP BY date, channel_id, directorate_id"
    )
