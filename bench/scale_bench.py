"""The queries that grow with the data, timed against an existing, filled database (issue 8: scale).

Point it at a COPY of a database filled by ``generate_history`` (and ``rebuild_indicators``):
it creates bench users and an API client, and the SLA monitor part edits cases and writes
events. Nothing is generated here. Every figure is warm: one unmeasured run, then ``--runs``
timed runs; the median and p95 (nearest rank) are printed.

  lists       the browser queues as ``web.views.queues`` pages them (``queue_cases`` +
              ``KeysetPagination``, 25 rows, with the row's relations): area staff's "Mi área"
              and an agent's "Mi oficina" of the busiest area / office, a national supervisor's
              "Vencidos" — all by due instant — and "Todos" (newest first); the first page and
              the page ``--deep`` pages in. Then ``GET /api/v1/cases/?status=assigned,in_progress
              &ordering=resolution_due_at`` through the whole stack (Django test client, an API
              client with cases:read_all), first and deep page.
  dashboards  ``indicators_compute`` for the last complete month by channel and the twelve
              complete months by channel × directorate; the drill-down (``indicator_cases``,
              first page of 25, newest first) behind the biggest cell of each, and behind the
              month's backlog of that channel.
  monitor     ``sla_monitor_run``: a catch-up full pass first (the copy's states are as old as
              the generation), then ``--monitor-runs`` regular passes, each after staging
              ``--crossing`` random running cases, set on track, across a threshold since a pass
              a minute ago (all their warning instant, half their due instant too, as in
              bench/sla_monitor_bench.py); the idle pass after it; the hourly full check.
  sizes       case, open and running counts; rows and pg_relation_size / pg_indexes_size /
              pg_total_relation_size of the largest tables.

Prints figures (and ``--json FILE``); asserts nothing.

    .venv/bin/python bench/scale_bench.py --database atencion_scale1m [--runs 15] [--deep 200]
        [--monitor-runs 5] [--crossing 3000] [--sections lists,dashboards,monitor]
        [--max-load 3] [--json out.json]

The server comes from BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/…); the
database name from --database or SCALE_BENCH_DATABASE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scalelib.monitor import monitor_passes  # noqa: E402
from scalelib.timing import RESULTS, header, timed, wait_for_quiet  # noqa: E402

PASSWORD = secrets.token_urlsafe(24)  # the bench users' password: fresh every run


def _configure(database: str) -> None:
    server = urlsplit(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    os.environ["DATABASE_URL"] = urlunsplit((server.scheme, server.netloc, f"/{database}", "", ""))
    os.environ["DJANGO_SETTINGS_MODULE"] = "infonavit_atencion.settings.test"
    os.environ["REDIS_URL"] = ""  # nothing is queued; caches stay in the process
    os.environ["API_CLIENT_THROTTLE_RATE"] = ""
    os.environ["LOG_LEVEL"] = "WARNING"


# --- lists -------------------------------------------------------------------------------------


def _busiest(field: str) -> tuple[str, int]:
    from django.db.models import Count

    from cases.models import Case
    from cases.models.case import OPEN_STATUSES

    row = (
        Case.objects.filter(status__in=OPEN_STATUSES, **{f"{field}__isnull": False})
        .values(f"{field}__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert row is not None, f"no open case has a {field}"
    return row[f"{field}__code"], row["n"]


def _page(build: Callable[[], Any], ordering: str, cursor: str | None = None) -> Any:
    from django.test import RequestFactory
    from rest_framework.request import Request

    from infonavit_atencion.core.pagination import KeysetPagination

    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    request = Request(factory.get("/casos/", {"cursor": cursor} if cursor else {}))
    return KeysetPagination(ordering, 25).paginate(build(), request)


def _cursor_after(build: Callable[[], Any], ordering: str, pages: int) -> tuple[str | None, int]:
    """The cursor of the page `pages` pages in (or the last one), following `next` links."""
    cursor, depth = None, 0
    for _ in range(pages):
        page = _page(build, ordering, cursor)
        if page.next is None:
            break
        cursor = parse_qs(urlsplit(page.next).query)["cursor"][0]
        depth += 1
    return cursor, depth


def _lists(runs: int, deep: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from accounts.services import UserPlacement, api_client_create, user_create
    from infonavit_atencion.core.api_scopes import Scope
    from web.queues import QUEUES, queue_cases

    area, area_open = _busiest("area")
    office, office_open = _busiest("office")
    user_create("scale_area", "area_staff", PASSWORD, UserPlacement(area_code=area))
    user_create("scale_agent", "agent", PASSWORD, UserPlacement(office_code=office))
    user_create("scale_sup", "supervisor", PASSWORD, UserPlacement(national=True))
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="scale_")}
    queues = [
        ("scale_area", "area", "resolution_due_at", f"{area}, {area_open:,} open"),
        ("scale_agent", "office", "resolution_due_at", f"{office}, {office_open:,} open"),
        ("scale_sup", "breached", "resolution_due_at", "national"),
        ("scale_sup", "all", "-received_at", "national, every status"),
    ]
    header("lists (25 rows, keyset, as the queue pages)")
    for username, key, ordering, note in queues:
        user = users[username]

        def build(user: Any = user, key: str = key) -> Any:
            return queue_cases(user, QUEUES[key], {}, timezone.now())

        timed(f"queue {key} by {ordering}: first page", partial(_page, build, ordering), runs, note)
        cursor, depth = _cursor_after(build, ordering, deep)
        deep_page = partial(_page, build, ordering, cursor)
        timed(f"queue {key} by {ordering}: page {depth + 1}", deep_page, runs, f"{depth * 25:,} in")
    _client, key = api_client_create(
        f"scale-bench-{secrets.token_hex(3)}", "MICUENTA", [Scope.CASES_READ, Scope.CASES_READ_ALL]
    )
    api = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_HOST="127.0.0.1")
    first = "/api/v1/cases/?status=assigned,in_progress&ordering=resolution_due_at"
    path, depth = first, 0
    for _ in range(deep):
        link = api.get(path).json()["next"]
        if not link:
            break
        parts = urlsplit(link)
        path, depth = f"{parts.path}?{parts.query}", depth + 1

    def get(url: str) -> None:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]

    timed("API GET cases/ by due (whole stack): first page", partial(get, first), runs)
    timed(
        f"API GET cases/ by due: page {depth + 1}", partial(get, path), runs, f"{depth * 25:,} in"
    )


# --- dashboards ---------------------------------------------------------------------------------


def _dashboards(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Max
    from django.utils import timezone

    from accounts.services import UserPlacement, user_create
    from cases.events import Actor
    from cases.models import CaseEvent
    from cases.selectors.access import cases_visible_to
    from indicators.metrics import local_date
    from indicators.selectors import indicator_cases, indicators_compute
    from indicators.services import indicators_refresh
    from web.queues import QUEUE_ROW_RELATIONS

    # What the every-minute beat keeps current (a re-run finds the last run's monitor events).
    started, refreshed = time.perf_counter(), 0
    newest = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
    while (report := indicators_refresh(timezone.now())).watermark < newest:
        refreshed += report.cases
    refreshed += report.cases
    print(
        f"\nindicators refreshed first: {refreshed:,} cases in {time.perf_counter() - started:.1f} s"
    )
    user_create("scale_sup", "supervisor", PASSWORD, UserPlacement(national=True))
    actor = Actor(user=get_user_model().objects.get(username="scale_sup"))
    today = local_date(timezone.now())
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = (month_start - dt.timedelta(days=330)).replace(day=1)
    header(f"dashboards (month {month_start}…{month_end}, year {year_start}…{month_end})")

    def compute(start: dt.date, group_by: list[str]) -> Any:
        return indicators_compute(start, month_end, group_by, now=timezone.now())

    month = timed(
        "indicators_compute: month by channel", partial(compute, month_start, ["channel"]), runs
    )
    by_both = partial(compute, year_start, ["channel", "directorate"])
    year = timed("indicators_compute: year by channel × directorate", by_both, runs)
    for label, start, group_by in (
        ("month", month_start, ["channel"]),
        ("year", year_start, ["channel", "directorate"]),
    ):
        _parts(label, start, month_end, group_by, runs)
    month_row = max(month.rows, key=lambda r: r["resolutions"])
    year_row = max(year.rows, key=lambda r: r["resolved_within_sla"])

    def drill(metric: str, start: dt.date, keys: dict[str, Any]) -> Any:
        # As indicators.dashboard.drill_cases composes it, paged as web.views.dashboard pages it.
        behind = indicator_cases(metric, start, month_end, keys, now=timezone.now())
        cases = cases_visible_to(actor).filter(pk__in=behind.values("pk"))
        return _page(lambda: cases.prefetch_related(*QUEUE_ROW_RELATIONS), "-received_at")

    channel = {"channel": month_row["channel"]}
    both = {"channel": year_row["channel"], "directorate": year_row["directorate"]}
    cells: list[tuple[str, dt.date, dict[str, Any], int, str]] = [
        ("resolutions", month_start, channel, month_row["resolutions"], "month"),
        ("backlog", month_start, channel, month_row["backlog"], "month"),
        ("resolved_within_sla", year_start, both, year_row["resolved_within_sla"], "year"),
    ]
    for metric, start, keys, count, span in cells:
        note = f"{' × '.join(str(v) for v in keys.values())}: {count:,} cases"
        label = f"indicator_cases first page: {span} {metric}"
        timed(label, partial(drill, metric, start, keys), runs, note)


def _parts(label: str, start: dt.date, end: dt.date, group_by: list[str], runs: int) -> None:
    """The two reads behind `indicators_compute`: the rollup sums over the range (grow with the
    range) and the backlog at its end (at channel level: every daily delta since the first day)."""
    from django.utils import timezone

    from indicators.dimensions import IndicatorFilters
    from indicators.engine import backlogs, pending_load, rollup_tallies

    everything = IndicatorFilters()

    def backlog() -> Any:
        return backlogs(start, end, group_by, everything, pending_load(), timezone.now())

    sums = partial(rollup_tallies, start, end, group_by, everything)
    timed(f"  of which the rollup sums ({label})", sums, runs)
    timed(f"  of which the backlog at its end ({label})", backlog, runs)


# --- sizes --------------------------------------------------------------------------------------

SIZES_SQL = """
SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), pg_indexes_size(c.oid),
       pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC LIMIT %s
"""


def _sizes(top: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('new','assigned','in_progress','waiting')), "
            "count(*) FILTER (WHERE status IN ('new','assigned','in_progress')), min(received_at), max(received_at) "
            "FROM cases_case"
        )
        cases, open_cases, running, first, last = cursor.fetchone()
        cursor.execute(
            "SELECT pg_database_size(current_database()), current_setting('shared_buffers')"
        )
        database, buffers = cursor.fetchone()
        cursor.execute(SIZES_SQL, [top])
        rows = cursor.fetchall()
    RESULTS.update(cases=cases, open=open_cases, running=running, database_bytes=database)
    print(
        f"\ncases {cases:,} (open {open_cases:,}, running {running:,}), received {first:%Y-%m-%d}…{last:%Y-%m-%d}; "
        f"database {database / 2**30:.2f} GiB; shared_buffers {buffers}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'table':<34} {'rows':>13} {'table MiB':>10} {'indexes MiB':>12} {'total MiB':>10}")
    for name, tuples, table, indexes, total in rows:
        RESULTS["sizes"].append(
            {"name": name, "rows": tuples, "table": table, "indexes": indexes, "total": total}
        )
        print(
            f"{name:<34} {tuples:>13,} {table / 2**20:>10.0f} {indexes / 2**20:>12.0f} {total / 2**20:>10.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("SCALE_BENCH_DATABASE"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--deep", type=int, default=200, help="pages followed for the deep page")
    parser.add_argument("--monitor-runs", type=int, default=5)
    parser.add_argument("--crossing", type=int, default=3000)
    parser.add_argument(
        "--sections", default="lists,dashboards,monitor", help="comma-separated subset to time"
    )
    parser.add_argument("--top", type=int, default=10, help="largest tables listed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0,
        help="first wait (≤ 30 min) for a 1-min load average below this",
    )
    args = parser.parse_args()
    if not args.database:  # `make bench` runs every script bare: nothing to measure here then
        print(
            "scale_bench: skipped; name a copy of a filled database (--database or SCALE_BENCH_DATABASE)"
        )
        return
    _configure(args.database)
    import django

    django.setup()
    from django.core.management import call_command

    from cases.models import Case

    call_command("migrate", verbosity=1)  # a copy made before the latest migrations
    if not Case.objects.exists():
        raise SystemExit(f"{args.database} holds no cases: fill a copy with generate_history first")
    RESULTS["database"] = args.database
    if args.max_load:
        wait_for_quiet(args.max_load, 1800)
    _sizes(args.top)
    sections = set(args.sections.split(","))
    if "lists" in sections:
        _lists(args.runs, args.deep)
    if "dashboards" in sections:
        _dashboards(args.runs)
    if "monitor" in sections:
        monitor_passes(args.monitor_runs, args.crossing)
    RESULTS["load_at_end"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=2, default=str))


if __name__ == "__main__":
    main()
