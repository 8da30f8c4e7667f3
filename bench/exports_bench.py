"""Case-list exports: rows per second written to CSV and to XLSX, as a background job writes them.

Uses its own PostgreSQL database (``atencion_bench_exports`` on BENCH_DATABASE_URL's server, or
any copy of a large one — never a database someone else is using): migrates it, loads the
reference data and fills it with ``generate_history`` unless it already holds --rows cases. Then,
for each format, exports the --rows newest cases of the "all" queue as a national supervisor
would (masked contact data, the same code as ``ExportJob``: ``case_table`` + ``write_table``
over a server-side cursor) to a temporary file, and prints rows/s, the file size and the peak
memory of the process. Prints figures; asserts nothing.

    .venv/bin/python bench/exports_bench.py [--rows 100000] [--formats csv,xlsx] [--full-data]
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench_exports"
)
DATABASE = SERVER.rsplit("/", 1)[1]
os.environ["DATABASE_URL"] = SERVER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")

from scalelib.history import history_database  # noqa: E402


def _prepare(rows: int) -> None:
    from django.db import connection

    if history_database(DATABASE, rows, months=6) < rows:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--full-data", action="store_true", help="as an administrator asking for full data"
    )
    args = parser.parse_args()

    import django

    django.setup()
    _prepare(args.rows)

    from django.utils import timezone

    from accounts.services import UserPlacement, user_create
    from cases.events import Actor
    from cases.selectors.filters import CaseFilters
    from indicators.exports.builders import case_queryset, case_table, write_table
    from indicators.exports.case_rows import CHUNK
    from indicators.exports.params import CaseExportParams

    role, placement = (
        ("admin", UserPlacement())
        if args.full_data
        else ("supervisor", UserPlacement(national=True))
    )
    user = user_create(f"bench_exports_{role}", role, f"Bench-{secrets.token_hex(12)}-9", placement)
    actor = Actor(user=user)  # type: ignore[arg-type]
    now = timezone.now()
    params = CaseExportParams(
        filters=CaseFilters(),
        ordering="-received_at",
        now=now,
        tz_name="America/Mexico_City",
        full_data=args.full_data,
        queue="all",
    )
    started = time.perf_counter()
    total = case_queryset(actor, params).count()
    print(
        f"cases visible: {total:,} (count {1000 * (time.perf_counter() - started):.0f} ms); "
        f"exporting the newest {args.rows:,}",
        flush=True,
    )
    print(f"{'format':<6} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'MiB':>8} {'peak RSS MiB':>13}")
    for fmt in args.formats.split(","):
        rows = case_queryset(actor, params)[: args.rows].iterator(chunk_size=CHUNK)
        table = case_table(actor, params, "Todos", rows=rows, now=now)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, f"export.{fmt}")
            started = time.perf_counter()
            written = write_table(table, fmt, path)
            seconds = time.perf_counter() - started
            size = os.path.getsize(path) / 2**20
        print(
            f"{fmt:<6} {written:>9,} {seconds:>8.1f} {written / seconds:>9,.0f} {size:>8.1f} "
            f"{_peak_mib():>13.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
