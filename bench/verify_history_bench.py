"""How fast `verify_history` re-computes the history's hash chains on PostgreSQL (ADR 0013).

Creates (or reuses) the database `atencion_bench_verify` (or VERIFY_BENCH_DATABASE) on
BENCH_DATABASE_URL's server, migrates it, loads the reference data and fills it with
`generate_history` up to --cases cases over --months months (150,000 × 6 gives about a million
events; the first run takes a while, later runs reuse the data). Then runs the event pass and
the access-log pass of `verify_history` --rounds times and prints events/s, the chain-pass
rate with the database's own streaming time included, and the extrapolation to 10,000,000
events. Before that it logs --access-rows personal-data views through the real writer (once;
later runs reuse them) and seals the daily anchors (once); after, it times the anchor pass and
one case's check as the case page does it. Prints figures; asserts nothing.

    [VERIFY_BENCH_DATABASE=NAME] .venv/bin/python bench/verify_history_bench.py [--cases 150000]
        [--months 6] [--rounds 2] [--access-rows 100000]
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
        "DATABASE_URL": urlunsplit(
            (_server.scheme, _server.netloc, f"/{DB_NAME}", _server.query, "")
        ),
        "LOG_LEVEL": "WARNING",
    }
)
TARGET = 10_000_000


def _setup(cases: int, months: int) -> None:
    createdb = [
        "createdb",
        "-h",
        _server.hostname or "127.0.0.1",
        "-U",
        _server.username or "postgres",
        DB_NAME,
    ]
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


def _access_rows(count: int) -> None:
    """`count` access-log rows, written 1,000 at a time through `personal_data_views_log`."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contacts.access import personal_data_views_log
    from contacts.models import AccessReason, Contact, ContactAccessLog

    missing = count - ContactAccessLog.objects.count()
    user = get_user_model().objects.order_by("id").first()
    contacts = list(Contact.objects.order_by("id").values_list("id", flat=True)[:1000])
    if missing <= 0 or user is None or not contacts:
        return
    started = time.perf_counter()
    for start in range(0, missing, 1000):
        views = [
            (contacts[i % len(contacts)], None) for i in range(start, min(start + 1000, missing))
        ]
        personal_data_views_log(views, timezone.now(), reason=AccessReason.EXPORT, user=user)
    print(f"logged {missing:,} access rows in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--access-rows", type=int, default=100_000)
    args = parser.parse_args()
    _setup(args.cases, args.months)
    _access_rows(args.access_rows)

    from django.db import connection
    from django.utils import timezone

    from cases.anchors import anchors_seal, anchors_verify
    from cases.integrity import access_log_verify, case_history_break, events_verify
    from cases.models import Case, CaseEvent

    started = time.perf_counter()
    sealed = anchors_seal(timezone.now())
    if sealed:
        print(f"sealed {len(sealed)} daily anchors in {time.perf_counter() - started:.1f} s")

    load = os.getloadavg()[0]
    print(f"database {DB_NAME}: {CaseEvent.objects.count():,} events, {Case.objects.count():,} cases; "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    rates = []
    for round_no in range(1, args.rounds + 1):
        events = events_verify()
        access = access_log_verify()
        assert events.broken is None and access.broken is None, (
            "the bench database's history is broken"
        )
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
    started = time.perf_counter()
    checked, broken = anchors_verify()
    assert broken is None, "the bench database's anchors are broken"
    print(
        f"anchors: {checked} days re-sealed and compared in {time.perf_counter() - started:.1f} s"
    )
    # The case page's check: one case's events, already loaded by the page.
    case = Case.objects.order_by("-id").first()
    if case is not None:
        timeline = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
        started = time.perf_counter()
        for _ in range(100):
            case_history_break(timeline)
        print(
            f"case page check: {len(timeline)} events in {(time.perf_counter() - started) * 10:.2f} ms"
        )
    connection.close()


if __name__ == "__main__":
    main()
