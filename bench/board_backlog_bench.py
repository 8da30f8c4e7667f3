"""The supervisor board with a refresh backlog (issue 17 target: < 200 ms whatever the backlog).

Uses its own PostgreSQL database (BOARD_BENCH_DATABASE, default `atencion_bench_board`, on
BENCH_DATABASE_URL's server): migrates it, loads the reference data, fills it with
`generate_history` up to --base cases unless it holds them and rebuilds the rollups
(`rebuild_indicators`: the refreshed database). It times the views (below) with no backlog; then it adds --backlog cases received over the
last month with `generate_history` and does not refresh: their events wait past the watermark,
as when the refresh falls behind. (The database grows by --backlog on each run; the rebuild at
the start of the next run reads them.)

Times, in this process with Django's test client (the whole stack: middleware, presenter,
engine, template) and signed in as an administrator (national scope), --repeat views each of:

  board    /tablero/ for this month, last month and the month before (which the backlog cannot
           touch), and the trend and goals sections of this month
  exact    indicators_compute for this month with the full live correction (what
           GET /api/v1/indicators/ does, and what every board view did before issue 17)

and prints median / p95 server time and the board's freshness (live or "datos al" the last
refresh). Redis (REDIS_URL, default db 12) is the broker so the refresh the board asks for is
queued, not run in the request (no worker runs; the database is flushed after). Asserts nothing.

    .venv/bin/python bench/board_backlog_bench.py [--base 20000] [--backlog 20000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = urlsplit(
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
)
DB_NAME = os.environ.get("BOARD_BENCH_DATABASE", "atencion_bench_board")
_redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12")
os.environ.update(
    {
        "DATABASE_URL": urlunsplit((SERVER.scheme, SERVER.netloc, f"/{DB_NAME}", "", "")),
        "REDIS_URL": urlunsplit(_redis),
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=int, default=20_000, help="cases read by the rollups")
    parser.add_argument("--backlog", type=int, default=20_000, help="cases left unrefreshed")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--exact-repeat", type=int, default=1, help="full corrections timed")
    parser.add_argument(
        "--measure-only", action="store_true", help="no rebuild, no new backlog: time as it is"
    )
    args = parser.parse_args()

    createdb = ["createdb", "-h", SERVER.hostname or "127.0.0.1", "-U",
                SERVER.username or "postgres", DB_NAME]  # fmt: skip
    subprocess.run(createdb, capture_output=True, check=False)  # noqa: S603 - fixed command line
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from cases.models import Case
    from demo.history import history_generate
    from indicators.freshness import board_correction, refresh_backlog
    from indicators.metrics import local_date
    from indicators.selectors import indicators_compute

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    if not args.measure_only:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        have = Case.objects.count()
        if have < args.base:
            call_command("generate_history", cases=args.base - have, months=12, verbosity=0)
        started = time.perf_counter()
        call_command("rebuild_indicators", verbosity=0)
        print(f"rollups rebuilt over {Case.objects.count():,} cases in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip

    admin, _ = get_user_model().objects.get_or_create(
        username="bench.board", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    today = local_date(timezone.now())
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    before = (last_month - dt.timedelta(days=1)).replace(day=1)

    def month(first: dt.date) -> str:
        end = min(today, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        return f"from={first}&to={end}&group=channel"

    views = {
        "board, this month": f"/tablero/?{month(this_month)}",
        "board, last month": f"/tablero/?{month(last_month)}",
        "board, the month before": f"/tablero/?{month(before)}",
        "trend, this month": f"/tablero/tendencia/?{month(this_month)}",
        "goals, this month": f"/tablero/metas/?{month(this_month)}",
    }

    def measure(title: str) -> None:
        print(f"{title}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for label, url in views.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                samples.append(time.perf_counter() - started)
            html = response.content.decode()
            behind = re.search(r'data-freshness="behind">[^<]*<time[^>]*>([^<]+)</time>', html)
            state = f"datos al {behind.group(1)}, the last refresh" if behind else "live, exact"
            print(f"{label:<26} {_ms(samples)}  ({state})")

    if not args.measure_only:
        measure("before the backlog")
        started = time.perf_counter()
        history_generate(args.backlog, 1, workers=2)
        print(f"added {args.backlog:,} cases over the last month in "
              f"{time.perf_counter() - started:.0f} s, not refreshed")  # fmt: skip
    backlog = refresh_backlog()
    measure(
        f"with {'more than ' if backlog.capped else ''}{backlog.events:,} unread events; "
        f"live limit {settings.INDICATORS_BOARD_LIVE_CASES} cases"
    )
    correction = board_correction(today, timezone.now())
    print(f"(board correction for today: {len(correction.pending.case_ids):,} cases corrected)")
    samples = []
    for _ in range(args.exact_repeat):
        started = time.perf_counter()
        indicators_compute(this_month, today, ["channel"], now=timezone.now())
        samples.append(time.perf_counter() - started)
    if samples:
        print(f"{'exact (API), this month':<26} {_ms(samples)}  (full live correction)")
    subprocess.run(["redis-cli", "-u", os.environ["REDIS_URL"], "flushdb"],  # noqa: S603, S607
                   capture_output=True, check=False)  # fmt: skip


if __name__ == "__main__":
    main()
