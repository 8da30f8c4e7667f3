"""Indicators from the API against a naive GROUP BY over the raw tables (issue 7 targets:
one month per channel ≤ 100 ms, a year by channel × directorate ≤ 300 ms).

Uses its own PostgreSQL database (``atencion_bench_ind`` on BENCH_DATABASE_URL's server):
migrates it, loads the reference data, fills it with ``python manage.py generate_history --cases
N --months M`` unless it already holds N cases, rebuilds the rollups
(``rebuild_indicators``, timed), then times, over the last complete month and the twelve
complete months before today:

  api   GET /api/v1/indicators/ with an API client's token (Django test client: the whole
        stack — auth, throttle, validation, rollups, live correction, JSON); median of --repeat
  naive one SQL statement over cases_case and cases_caseevent computing received, complaints,
        resolutions, resolved within SLA (against the case's current due), reopens and survey
        answers for the same groups

and prints both, their ratio, and whether the counts that need no SLA replay agree.
Prints figures; asserts nothing.

    .venv/bin/python bench/indicators_bench.py [--cases 1000000] [--months 12] [--repeat 7] [--no-rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench_ind"
)
DATABASE = SERVER.rsplit("/", 1)[1]
os.environ["DATABASE_URL"] = SERVER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")
os.environ.setdefault("API_CLIENT_THROTTLE_RATE", "")

from scalelib.history import history_database  # noqa: E402

NAIVE_SQL = """
SELECT {groups}, SUM(received), SUM(complaints), SUM(resolutions), SUM(within), SUM(reopens), SUM(surveys)
FROM (
    SELECT c.channel_id AS channel, COALESCE(r.directorate_id, e.directorate_id) AS directorate,
           1 AS received, CASE WHEN c.kind = 'complaint' THEN 1 ELSE 0 END AS complaints,
           0 AS resolutions, 0 AS within, 0 AS reopens, 0 AS surveys
    FROM cases_case c
    JOIN cases_caseevent e ON e.case_id = c.id AND e.kind = 'created'
    LEFT JOIN LATERAL (
        SELECT directorate_id FROM cases_caseevent x
        WHERE x.case_id = c.id AND x.kind = 'routed' ORDER BY x.at, x.id LIMIT 1
    ) r ON true
    WHERE c.received_at >= %(start)s AND c.received_at < %(end)s
    UNION ALL
    SELECT e.channel_id, e.directorate_id, 0, 0,
           CASE WHEN e.data->>'action' = 'resolve' THEN 1 ELSE 0 END,
           CASE WHEN e.data->>'action' = 'resolve' AND e.at <= c.resolution_due_at THEN 1 ELSE 0 END,
           CASE WHEN e.data->>'action' = 'reopen' THEN 1 ELSE 0 END, 0
    FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
    WHERE e.kind = 'status_changed' AND e.data->>'action' IN ('resolve', 'reopen')
      AND e.at >= %(start)s AND e.at < %(end)s
    UNION ALL
    SELECT e.channel_id, e.directorate_id, 0, 0, 0, 0, 0, 1
    FROM cases_caseevent e
    WHERE e.kind = 'survey_answered' AND e.at >= %(start)s AND e.at < %(end)s
) u
GROUP BY {groups}
"""


def _prepare(cases: int, months: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    have = history_database(DATABASE, cases, months)
    if rebuild or have < cases:
        started = time.perf_counter()
        call_command("rebuild_indicators", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"rebuild_indicators: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_caseevent), "
            "(SELECT count(*) FROM indicators_indicatorfact), (SELECT count(*) FROM indicators_backlogspell), "
            "(SELECT count(*) FROM indicators_dailyrollup), (SELECT count(*) FROM indicators_dailychannelrollup)"
        )
        row = cursor.fetchone()
    print(
        "cases {:,}  events {:,}  facts {:,}  spells {:,}  rollup rows {:,} (channel level {:,})".format(
            *row
        )
    )


def _median_ms(call, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _scenario(name: str, api, start: dt.date, end: dt.date, groups: list[str], repeat: int) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    from indicators.metrics import day_end, day_start, ratio

    url = f"/api/v1/indicators/?from={start}&to={end}&group_by={','.join(groups)}"
    first = time.perf_counter()
    response = api.get(url)
    cold = (time.perf_counter() - first) * 1000
    assert response.status_code == 200, response.content
    api_ms = _median_ms(lambda: api.get(url), repeat)
    sql = NAIVE_SQL.format(groups=", ".join(groups))
    params = {"start": day_start(start), "end": day_end(end)}
    rows: list = []

    def naive() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows[:] = cursor.fetchall()

    naive_ms = _median_ms(naive, max(repeat // 2, 1))
    codes: dict[str, dict[int, str]] = {"channel": {}, "directorate": {}}
    with connection.cursor() as cursor:
        for table, key in (("channels_channel", "channel"), ("catalog_directorate", "directorate")):
            cursor.execute(f"SELECT id, code FROM {table}")  # noqa: S608
            codes[key] = dict(cursor.fetchall())
    # Exact in both: received, resolutions, surveys, and reopen_pct recomputed from the naive
    # reopens. "Within SLA" differs where a later pause moved the due (naive reads today's due).
    g = len(groups)
    naive_counts = {
        tuple(codes[name].get(v) for name, v in zip(groups, row, strict=False)): (
            row[g],
            row[g + 2],
            row[g + 5],
            ratio(row[g + 4], row[g + 2]),
            row[g + 3],
        )
        for row in rows
    }
    api_counts = {
        tuple(r[name] for name in groups): (
            r["received"],
            r["resolutions"],
            r["survey_responses"],
            r["reopen_pct"],
            r["resolved_within_sla"],
        )
        for r in response.json()["rows"]
    }
    empty = (0, 0, 0, None, 0)
    keys = set(api_counts) | {k for k, v in naive_counts.items() if v[:3] != (0, 0, 0)}
    agree = all(api_counts.get(k, empty)[:4] == naive_counts.get(k, empty)[:4] for k in keys)
    within_diff = sum(
        abs(api_counts.get(k, empty)[4] - naive_counts.get(k, empty)[4]) for k in keys
    )
    print(
        f"{name:<38} api {api_ms:8.1f} ms (first {cold:7.1f})   naive {naive_ms:9.1f} ms   "
        f"ratio {naive_ms / api_ms:7.1f}×   rows {len(api_counts):3}   counts agree: {'yes' if agree else 'NO'}   "
        f"within-SLA differs by {within_diff}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--no-rebuild", action="store_true", help="keep the rollups of an earlier run (same data)"
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from accounts.models import ApiClient
    from accounts.services import api_client_create
    from indicators.metrics import local_date

    _prepare(args.cases, args.months, rebuild=not args.no_rebuild)
    ApiClient.objects.filter(name="indicators-bench").delete()
    _client, key = api_client_create("indicators-bench", "MICUENTA", ["indicators:read"])
    api = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_HOST="127.0.0.1")
    today = local_date(timezone.now())
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = (month_end.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    print(f"month {month_start}..{month_end}   year {year_start}..{month_end}")
    _scenario("one month per channel", api, month_start, month_end, ["channel"], args.repeat)
    _scenario(
        "a year by channel × directorate",
        api,
        year_start,
        month_end,
        ["channel", "directorate"],
        args.repeat,
    )


if __name__ == "__main__":
    main()
