"""How fast `verify_history` re-computes the history's hash chains on PostgreSQL (ADR 0013).

Creates (or reuses) the database `atencion_bench_verify` (or VERIFY_BENCH_DATABASE) on
BENCH_DATABASE_URL's server, migrates it, loads the reference data and fills it with
`generate_history` up to --cases cases over --months months (150,000 × 6 gives about a million
events; the first run takes a while, later runs reuse the data). Then runs the event pass and
the access-log pass of `verify_history` --rounds times and prints events/s, the chain-pass
rate with the database's own streaming time included, and the extrapolation to 10,000,000
events. Also times one case's check as the case page does it. Prints figures; asserts nothing.

    [VERIFY_BENCH_DATABASE=NAME] .venv/bin/python bench/verify_history_bench.py [--cases 150000]
        [--months 6] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("VERIFY_BENCH_DATABASE", "atencion_bench_verify")
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
_server = urlsplit(SERVER)
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": urlunsplit((_server.scheme, _server.netloc, f"/{DB_NAME}", _server.query, "")),
        "LOG_LEVEL": "WARNING",
    }
)
TARGET = 10_000_000


def _setup(cases: int, months: int) -> None:
    createdb = ["createdb", "-h", _server.hostname or "127.0.0.1", "-U", _server.username or "postgres", DB_NAME]
    subprocess.run(createdb, capture_output=True, check=False)  # noqa: S603 - fixed command line
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    have = Case.objects.count()
    if have < cases:
        started = time.perf_counter()
        call_command("generate_history", cases=cases - have, months=months, seed=have + 1)
        print(f"generated {cases - have:,} cases in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    _setup(args.cases, args.months)

    from django.db import connection

    from cases.integrity import access_log_verify, case_history_break, events_verify
    from cases.models import Case, CaseEvent

    load = os.getloadavg()[0]
    print(f"database {DB_NAME}: {CaseEvent.objects.count():,} events, {Case.objects.count():,} cases; "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    rates = []
    for round_no in range(1, args.rounds + 1):
        events = events_verify()
        access = access_log_verify()
        assert events.broken is None and access.broken is None, "the bench database's history is broken"
        rates.append(events.rate)
        print(
            f"round {round_no}: {events.checked:,} events in {events.seconds:.1f} s → {events.rate:,.0f} events/s; "
            f"access log {access.checked:,} rows in {access.seconds:.1f} s"
        )
    best, worst = max(rates), min(rates)
    print(
        f"10,000,000 events: {TARGET / best / 60:.1f}–{TARGET / worst / 60:.1f} min at "
        f"{worst:,.0f}–{best:,.0f} events/s (linear: one streamed pass, memory flat)"
    )
    # The case page's check: one case's events, already loaded by the page.
    case = Case.objects.order_by("-id").first()
    if case is not None:
        timeline = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
        started = time.perf_counter()
        for _ in range(100):
            case_history_break(timeline)
        print(f"case page check: {len(timeline)} events in {(time.perf_counter() - started) * 10:.2f} ms")
    connection.close()


if __name__ == "__main__":
    main()
