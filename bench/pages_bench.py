"""Server time of the browser's queue, case and supervisor-dashboard pages over many cases
(issue 6: < 200 ms at 1,000,000 cases).

Creates (or reuses) the database `atencion_pages_bench` on BENCH_DATABASE_URL's server (or
embedded SQLite with --sqlite), loads the reference data, fills it with `generate_history`
until it holds N cases, then renders each page in-process through Django's test client (the
server's own time: routing, queries, templates; no network, no browser) and prints the median
and worst of R renders per page. Prints figures; asserts nothing.

    .venv/bin/python bench/pages_bench.py [--cases 1000000] [--months 12] [--repeat 15]
    .venv/bin/python bench/pages_bench.py --cases 100000 --clone-to 1000000  # faster to build

`--clone-to` pads the table with copies of the generated cases (without their events): the
queue pages see the full volume; the case page is timed on a generated case with its events.

The dashboard (`/tablero/`, and the trend and goals sections htmx loads beside it) reads the
indicator rollups: time it on a database whose rollups are built (`generate_history` then
`rebuild_indicators`; BENCH_DATABASE_URL may name a copy of one). The bench adds six shared
goals for the current month unless goals exist already. `--only tablero` times only the pages
whose address contains "tablero".
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


def _bench_goals():  # type: ignore[no-untyped-def]
    """Six shared goals for this month (unless there are goals already); returns today's local
    date at the institute's seat (the dashboard's "today")."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from catalog.models import Directorate
    from channels.models import Channel
    from indicators.metrics import local_date
    from indicators.models import Target

    today = local_date(timezone.now())
    if not Target.objects.exists():
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        month = {"date_from": start, "date_to": end}
        for code in ("CESI", "MICUENTA", "INFONATEL"):
            Target.objects.create(
                name=f"Plazo {code}",
                metric="sla_compliance_pct",
                channel=Channel.objects.get(code=code),
                value=Decimal(90),
                **month,
            )
        for code in ("CREDITO", "CARTERA", "OPERACIONES"):
            Target.objects.create(
                name=f"Vencidos {code}",
                metric="backlog_breached",
                directorate=Directorate.objects.get(code=code),
                direction="at_most",
                value=Decimal(500),
                **month,
            )
    return today


def _dashboard_pages(today):  # type: ignore[no-untyped-def]
    import datetime as dt

    month = f"from={today.replace(day=1)}&to={today}"
    year = f"from={today - dt.timedelta(days=365)}&to={today}"
    last = today.replace(day=1) - dt.timedelta(days=1)
    last_month = f"from={last.replace(day=1)}&to={last}"
    return [
        ("bench_sup", "/tablero/"),
        ("bench_sup", f"/tablero/?{last_month}"),
        ("bench_sup", "/tablero/?group=directorate&channel=CESI"),
        ("bench_sup", "/tablero/?group=office"),
        ("bench_sup", "/tablero/?group=service"),
        ("bench_sup", f"/tablero/?{year}"),
        ("bench_dir", "/tablero/"),
        # The sections htmx loads beside the board.
        ("bench_sup", f"/tablero/tendencia/?{month}"),
        ("bench_sup", f"/tablero/tendencia/?{year}"),
        ("bench_sup", f"/tablero/metas/?{month}"),
        ("bench_dir", f"/tablero/tendencia/?{month}"),
        ("bench_sup", f"/tablero/casos/?metric=resolutions&{month}&group=channel&key=CESI"),
        ("bench_sup", f"/tablero/casos/?metric=backlog_breached&{month}"),
        ("bench_sup", f"/tablero/casos/?metric=received&{last_month}&day={last}"),
        ("bench_dir", f"/tablero/casos/?metric=resolved_within_sla&{month}"),
    ]


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
    parser.add_argument(
        "--only", default="", help="time only the pages whose address contains this"
    )
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
    from django.utils import timezone

    from accounts.services import UserPlacement, user_create
    from cases.models import Case, SavedView
    from cases.services.saved_views import saved_view_create

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
    users = get_user_model().objects
    if not users.filter(username="bench_area").exists():  # a second run reuses them
        user_create("bench_area", "area_staff", PASSWORD, UserPlacement(area_code=area_code))
        user_create("bench_sup", "supervisor", PASSWORD, UserPlacement(national=True))
        user_create("bench_dir", "supervisor", PASSWORD, UserPlacement(directorate_code="CARTERA"))
    sample = Case.objects.filter(area__code=area_code).order_by("-received_at").first()
    today = _bench_goals()

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
    # Find anything (issue 19): common and rare words, a surname, a folio (302 to the case).
    pages += [
        ("bench_area", "/buscar/?q=saldo"),
        ("bench_sup", "/buscar/?q=saldo"),
        ("bench_sup", "/buscar/?q=devolucion+de+pagos+duplicados"),
        ("bench_sup", "/buscar/?q=garcia"),
    ]
    # Home is the person's workload; the e-mail queue; the public portal (no login).
    pages += [
        ("bench_area", "/"),
        ("bench_sup", "/"),
        ("bench_dir", "/"),
        ("bench_sup", "/correo/"),
        ("anonymous", "/presentar/"),
    ]
    # Saved views: the queue page counts each of the person's views (one COUNT per view).
    for name, query in (("Vencidos", "cola=breached"), ("En riesgo", "cola=at_risk")):
        if not SavedView.objects.filter(owner__username="bench_sup", name=name).exists():
            saved_view_create(
                get_user_model().objects.get(username="bench_sup"),
                name=name,
                queue=query.split("=")[1],
                query="",
                now=timezone.now(),
            )
    pages.append(("bench_sup", "/casos/?cola=unassigned"))  # with "Mis vistas" and its counts
    if sample is not None:
        pages.append(("bench_area", f"/casos/{sample.folio}/"))
        pages.append(("bench_sup", f"/casos/{sample.folio}/"))
        pages.append(("bench_sup", f"/buscar/?q={sample.folio}"))
        if sample.contact is not None and sample.contact.nss:
            pages.append(("bench_sup", f"/buscar/?q={sample.contact.nss}"))
        if sample.contact is not None:
            pages.append(("bench_sup", f"/contactos/duplicados/?contacto={sample.contact_id}"))
    pages += _dashboard_pages(today)
    pages = [(username, url) for username, url in pages if args.only in url]
    clients = {}
    for username in ("bench_area", "bench_sup", "bench_dir"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client
    clients["anonymous"] = Client()
    print(f"{'page':<44} {'user':<11} {'median ms':>10} {'max ms':>8}  status")
    for username, url in pages:
        median, worst, status = _time(clients[username], url, args.repeat)
        shown = url if len(url) <= 44 else url[:41] + "…"
        print(f"{shown:<44} {username:<11} {median:>10.1f} {worst:>8.1f}  {status}")


if __name__ == "__main__":
    main()
