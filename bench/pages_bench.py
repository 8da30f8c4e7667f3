"""Server time of the browser's queue and case pages over many cases (issue 6: < 200 ms at
1,000,000 cases).

Creates (or reuses) the database `atencion_pages_bench` on BENCH_DATABASE_URL's server (or
embedded SQLite with --sqlite), loads the reference data, fills it with `generate_history`
until it holds N cases, then renders each page in-process through Django's test client (the
server's own time: routing, queries, templates; no network, no browser) and prints the median
and worst of R renders per page. Prints figures; asserts nothing.

    .venv/bin/python bench/pages_bench.py [--cases 1000000] [--months 12] [--repeat 15]
    .venv/bin/python bench/pages_bench.py --cases 100000 --clone-to 1000000  # faster to build

`--clone-to` pads the table with copies of the generated cases (without their events): the
queue pages see the full volume; the case page is timed on a generated case with its events.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_pages_bench"
)
# The bench's own users get a fresh random password each run: nothing to commit or leak.
PASSWORD = secrets.token_urlsafe(24)


def _time(client, url: str, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm caches (calendars, templates)
    samples = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return statistics.median(samples), max(samples), status


def _clone_cases(target: int) -> None:
    """Pad the table to `target` cases with copies of the generated ones (same statuses, areas,
    due instants and SLA states; new folios, no events), by one INSERT … SELECT per copy."""
    from django.db import connection

    from cases.models import Case

    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    original = Case.objects.exclude(folio__contains="-C").count()
    copy = 0
    while Case.objects.count() < target:
        copy += 1
        missing = target - Case.objects.count()
        values = [
            f"c.folio || '-C{copy}'"
            if col == "folio"
            else "NULL"
            if col == "external_reference"
            else f"c.{col}"
            for col in columns
        ]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO cases_case ({', '.join(columns)}) "  # noqa: S608 - our own column names
                f"SELECT {', '.join(values)} FROM cases_case c "
                f"WHERE c.folio NOT LIKE '%%-C%%' ORDER BY c.id LIMIT {min(missing, original)}"
            )
        print(
            f"copy {copy}: {min(missing, original):,} cases in {time.perf_counter() - started:.1f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--clone-to",
        type=int,
        default=0,
        help="after generating --cases, pad with copies of them up to this many cases",
    )
    parser.add_argument("--sqlite", action="store_true", help="use var/pages_bench.sqlite3")
    args = parser.parse_args()

    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'pages_bench.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = SERVER
        name = SERVER.rsplit("/", 1)[-1]
        subprocess.run(  # noqa: S603 - fixed command; the name comes from our own setting
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],  # noqa: S607
            capture_output=True,
            check=False,
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")
    os.environ.setdefault("PUBLIC_LOOKUP_THROTTLE_RATE", "")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.services import UserPlacement, user_create
    from cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        print(f"generating {args.cases - have:,} cases (have {have:,})…", flush=True)
        call_command("generate_history", cases=args.cases - have, months=args.months, seed=6)
    if args.clone_to > Case.objects.count():
        _clone_cases(args.clone_to)
    total = Case.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load

    busiest = (
        Case.objects.filter(status__in=["assigned", "in_progress", "waiting"], area__isnull=False)
        .values("area__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    area_code = busiest["area__code"] if busiest else "OPERACIONES_QUEJAS"
    user_create("bench_area", "area_staff", PASSWORD, UserPlacement(area_code=area_code))
    user_create("bench_sup", "supervisor", PASSWORD, UserPlacement(national=True))
    sample = Case.objects.filter(area__code=area_code).order_by("-received_at").first()

    print(
        f"cases in the database: {total:,}; busiest area {area_code}: {busiest['n'] if busiest else 0:,} open"
    )
    pages = [
        ("bench_area", "/casos/?cola=area"),
        ("bench_area", "/casos/?cola=unassigned"),
        ("bench_area", "/casos/?cola=area&q=pago"),
        ("bench_sup", "/casos/?cola=breached"),
        ("bench_sup", "/casos/?cola=at_risk"),
        ("bench_sup", "/casos/?cola=all"),
        ("bench_sup", "/casos/?cola=all&orden=due"),
    ]
    if sample is not None:
        pages.append(("bench_area", f"/casos/{sample.folio}/"))
        pages.append(("bench_sup", f"/casos/{sample.folio}/"))
    clients = {}
    for username in ("bench_area", "bench_sup"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client
    print(f"{'page':<44} {'user':<11} {'median ms':>10} {'max ms':>8}  status")
    for username, url in pages:
        median, worst, status = _time(clients[username], url, args.repeat)
        print(f"{url:<44} {username:<11} {median:>10.1f} {worst:>8.1f}  {status}")


if __name__ == "__main__":
    main()
