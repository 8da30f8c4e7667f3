"""SLA monitor over 1,000,000 open cases on PostgreSQL (issue 3 target: one run < 1 s).

Creates (or reuses) the database `atencion_bench` on BENCH_DATABASE_URL's server, loads the
reference data, fills it with N open cases by SQL (generate_series; each with a CREATED-like
shape, warn and due instants spread over the next 60 days), makes `--crossing` of them cross a
threshold since the last minute's pass (half their warning instant, half of those their due
instant as well), rewrites the table as it stands in steady state (VACUUM FULL: pages filled
to the table's fillfactor), and times:

  regular pass   the every-minute pass after one a minute ago (the target)
  idle pass      the same again, nothing left to do
  hourly check   the pass that scans every running case (nothing to do)

Prints figures; asserts nothing.

    .venv/bin/python bench/sla_monitor_bench.py [--cases 1000000] [--crossing 3000]
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
os.environ["DATABASE_URL"] = SERVER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--crossing", type=int, default=3000)
    args = parser.parse_args()

    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "atencion_bench"],  # noqa: S607
        capture_output=True,
        check=False,
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import SlaMonitorMark
    from cases.sla.monitor import FULL_SCAN_EVERY, sla_monitor_run

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case WHERE status IN ('assigned','in_progress','new')"
        )
        have = cursor.fetchone()[0]
        if have < args.cases:
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO cases_case (folio, tracking_code, kind, service_id, channel_id, office_id, contact_id,
                    anonymous, sealed_reporter_identity, subject, description, priority, status, directorate_id, area_id,
                    instrument_reference, received_at, created_at, updated_at, resolution, sla_policy_id, sla_calendar_id,
                    sla_first_response_unit, sla_resolution_value, sla_resolution_unit, sla_warn_pct,
                    resolution_due_at, warn_at, paused_seconds, paused_open_seconds, sla_state, transfer_count,
                    reopen_count, version, contact_given_names, contact_first_surname,
                    contact_second_surname, contact_type, contact_nss, contact_curp, contact_rfc,
                    contact_email, contact_phone)
                SELECT 'BENCH-' || g, 'CODE', 'report', s.id, ch.id, NULL, NULL, true, '', '', 'bench', 2, 'assigned',
                    s.directorate_id, s.area_id, '', now() - interval '1 day', now(), now(), '', s.sla_policy_id,
                    cal.id, '', 20, 'business_days', 75,
                    now() + (g %% 86400) * interval '60 second', now() + (g %% 86400) * interval '45 second',
                    0, 0, 'on_track', 0, 0, 1, '', '', '', '', '', '', '', '', ''
                FROM generate_series(%s, %s) AS g,
                    (SELECT * FROM catalog_service WHERE kind = 'report' ORDER BY id LIMIT 1) s,
                    (SELECT id FROM channels_channel WHERE code = 'MICUENTA') ch,
                    (SELECT id FROM channels_businesscalendar WHERE code = 'INSTITUCIONAL') cal
                """,
                [have + 1, args.cases],
            )
            cursor.execute("ANALYZE cases_case")
            print(
                f"inserted {args.cases - have:,} open cases in {time.perf_counter() - started:.1f} s"
            )
        # Reset the thresholds: everything on track in the future, then `crossing` cases due now.
        cursor.execute(
            "UPDATE cases_case SET sla_state = 'on_track', warn_at = now() + interval '1 day', "
            "resolution_due_at = now() + interval '2 day' WHERE (sla_state <> 'on_track' OR warn_at < now() + interval '1 day') AND folio LIKE 'BENCH-%%'"
        )
        # Half of the crossing cases reach their warning instant, half their due instant.
        cursor.execute(
            "UPDATE cases_case SET warn_at = now() - interval '30 second' "
            "WHERE id IN (SELECT id FROM cases_case WHERE folio LIKE 'BENCH-%%' ORDER BY random() LIMIT %s)",
            [args.crossing],
        )
        cursor.execute(
            "UPDATE cases_case SET resolution_due_at = now() - interval '10 second' "
            "WHERE id IN (SELECT id FROM cases_case WHERE warn_at < now() ORDER BY random() LIMIT %s)",
            [args.crossing // 2],
        )
        # A steady-state table: no dead tuples left by the reset above, pages at the fillfactor.
        cursor.execute("VACUUM FULL ANALYZE cases_case")
        cursor.execute(
            "SELECT count(*) FROM cases_case WHERE status IN ('assigned','in_progress','new')"
        )
        total = cursor.fetchone()[0]

    now = timezone.now()
    # The last complete pass ran a minute ago; the hourly check is not due.
    SlaMonitorMark.objects.update_or_create(
        pk=1,
        defaults={
            "scanned_to": now - dt.timedelta(minutes=1),
            "full_scan_at": now - dt.timedelta(minutes=1),
        },
    )
    started = time.perf_counter()
    report = sla_monitor_run(now)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    idle = sla_monitor_run(now)
    idle_elapsed = time.perf_counter() - started
    SlaMonitorMark.objects.filter(pk=1).update(full_scan_at=now - FULL_SCAN_EVERY)
    started = time.perf_counter()
    hourly = sla_monitor_run(now)
    hourly_elapsed = time.perf_counter() - started
    print(f"open cases: {total:,}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"regular pass: {report.warned + report.breached - min(report.warned, report.breached):,} cases crossed a threshold "
        f"(warnings written {report.warned:,}, breaches {report.breached:,}) in {elapsed * 1000:.0f} ms"
    )
    print(
        f"idle pass (nothing to do): warned {idle.warned}, breached {idle.breached} in {idle_elapsed * 1000:.1f} ms"
    )
    print(
        f"hourly check over every running case: warned {hourly.warned}, breached {hourly.breached} in {hourly_elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
