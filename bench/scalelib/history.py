"""A benchmark database filled with generated history, reused across runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def history_database(database: str, cases: int, months: int) -> int:
    """Create `database` if missing, migrate it, load the reference data and generate history
    until it holds `cases` cases (Django must already point at it). Returns how many cases it
    held before."""
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", database],  # noqa: S607
        capture_output=True,
        check=False,
    )
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("load_reference_data", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        have = cursor.fetchone()[0]
    if have < cases:
        print(f"generate_history --cases {cases - have} --months {months} …", flush=True)
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "generate_history",
             "--cases", str(cases - have), "--months", str(months)],
            cwd=ROOT,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local"},
        )  # fmt: skip
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return have
