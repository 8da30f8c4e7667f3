"""SLA repair after a one-region notice over 200,000 open cases on PostgreSQL (issue 20 target:
under a minute).

Recreates the database `atencion_hf_bench` (BENCH_DATABASE_URL; case events cannot be deleted on
PostgreSQL, so each run starts from an empty database), loads the reference data, adds a
calendar for the Guerrero Cesis (CESI_GUERRERO, the CESI_CDMX hours: a regional suspension needs
a calendar of its own) and fills it by SQL with N open cases received over the last 15 days
(distinct received instants computed by the clock once, joined in), each with its CREATED event,
one in ten with a wait served (a pause-ending event; its dues include the wait), plus
`--others` open cases on CESI_CDMX that the notice does not touch. Stored states are what the
monitor would hold now. Then a one-region notice (terms suspended for five business days, as
after hurricane Otis in Acapulco, 2023) closes CESI_GUERRERO for 5 days and times:

  preview   what would change (counts by office, service and channel), read only
  repair    the run: every open case of the calendar recomputed, changed rows written in
            batches with their SLA_RECOMPUTED events

Prints figures and checks that every case moved as the clock says on a sample.

    .venv/bin/python bench/sla_repair_bench.py [--cases 200000] [--others 20000]
"""

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "atencion_hf_bench"
SERVER = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
os.environ["DATABASE_URL"] = SERVER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")
SLOTS = 2000  # distinct received instants


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--others", type=int, default=20_000)
    args = parser.parse_args()

    name = SERVER.rsplit("/", 1)[1]
    dropdb = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name]
    subprocess.run(dropdb, check=True)  # noqa: S603
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S603, S607
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from businesstime import clock
    from cases.models import Case
    from cases.sla.recompute import Snapshot, Wait, recompute_dues
    from cases.sla.repair import sla_repair_continue, sla_repair_start
    from cases.sla.repair_changes import sla_repair_preview
    from channels.models import BusinessCalendar, CalendarException, CalendarInterval, Office
    from channels.selectors import calendar_spec_for

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    cdmx = BusinessCalendar.objects.get(code="CESI_CDMX")
    region = BusinessCalendar.objects.create(
        code="CESI_GUERRERO", name="Cesi Guerrero", timezone=cdmx.timezone
    )
    for interval in cdmx.intervals.all():
        CalendarInterval.objects.create(
            calendar=region, weekday=interval.weekday, start=interval.start, end=interval.end
        )
    Office.objects.filter(code__in=["CESI_ACAPULCO", "CESI_CHILPANCINGO"]).update(calendar=region)
    print(f"database ready in {time.perf_counter() - started:.0f} s")

    now = timezone.now()
    spec = calendar_spec_for(region.pk)
    base = now - dt.timedelta(days=15)
    step = dt.timedelta(days=15) / SLOTS
    plain, paused = [], []
    for slot in range(SLOTS):
        received = (base + step * slot).replace(microsecond=0)
        snap = Snapshot(received, (8, "business_hours"), (15, "business_days"), 70, None, None)
        dues = recompute_dues(spec, snap)
        plain.append(
            (slot, received, dues.first_response_due_at, dues.resolution_due_at, dues.warn_at, 0)
        )
        wait = Wait(received + dt.timedelta(hours=20), received + dt.timedelta(hours=44))
        dues = recompute_dues(spec, dataclasses.replace(snap, history=(wait,)))
        paused.append(
            (
                slot,
                received,
                dues.first_response_due_at,
                dues.resolution_due_at,
                dues.warn_at,
                dues.paused_open_seconds,
            )
        )

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE slots (paused boolean, slot int, received timestamptz, first_due timestamptz, due timestamptz, warn timestamptz, paused_open int)"
        )
        cursor.executemany("INSERT INTO slots VALUES (false, %s, %s, %s, %s, %s, %s)", plain)
        cursor.executemany("INSERT INTO slots VALUES (true, %s, %s, %s, %s, %s, %s)", paused)
        for label, calendar, count, first in (
            ("G", region, args.cases, 1),
            ("C", cdmx, args.others, args.cases + 1),
        ):
            cursor.execute(
                """
                INSERT INTO cases_case (folio, tracking_code, kind, service_id, channel_id, office_id, contact_id,
                    anonymous, sealed_reporter_identity, subject, description, priority, status, directorate_id, area_id,
                    instrument_reference, received_at, created_at, updated_at, resolution, sla_policy_id, sla_calendar_id,
                    sla_first_response_value, sla_first_response_unit, sla_resolution_value, sla_resolution_unit,
                    sla_warn_pct, first_response_due_at, resolution_due_at, warn_at, paused_seconds,
                    paused_open_seconds, sla_state, transfer_count, reopen_count, version)
                SELECT 'BENCH-' || %s || g, 'CODE', 'report', s.id, ch.id,
                    CASE WHEN g %% 2 = 0 THEN o1.id ELSE o2.id END, NULL, true, '', '', 'bench', 2,
                    CASE WHEN g %% 3 = 0 THEN 'in_progress' ELSE 'assigned' END,
                    s.directorate_id, s.area_id, '', sl.received, now(), now(), '', s.sla_policy_id, %s,
                    8, 'business_hours', 15, 'business_days', 70, sl.first_due, sl.due, sl.warn,
                    CASE WHEN sl.paused THEN 86400 ELSE 0 END, sl.paused_open,
                    CASE WHEN sl.due < now() THEN 'breached' WHEN sl.warn <= now() THEN 'at_risk' ELSE 'on_track' END,
                    0, 0, 1
                FROM generate_series(%s, %s) AS g
                    JOIN slots sl ON sl.slot = g %% %s AND sl.paused = (g %% 10 = 0),
                    (SELECT * FROM catalog_service WHERE kind = 'report' ORDER BY id LIMIT 1) s,
                    (SELECT id FROM channels_channel WHERE code = 'CESI') ch,
                    (SELECT id FROM channels_office WHERE code = 'CESI_ACAPULCO') o1,
                    (SELECT id FROM channels_office WHERE code = 'CESI_CHILPANCINGO') o2
                """,
                [label, calendar.pk, first, first + count - 1, SLOTS],
            )
        cursor.execute(
            """
            INSERT INTO cases_caseevent (case_id, kind, at, data, status, case_kind, channel_id, office_id,
                service_id, directorate_id, area_id)
            SELECT id, 'created', received_at, '{}'::jsonb, status, kind, channel_id, office_id, service_id,
                directorate_id, area_id FROM cases_case
            UNION ALL
            SELECT id, 'status_changed', received_at + interval '44 hours',
                jsonb_build_object('action', 'resume', 'from', 'waiting', 'to', 'in_progress',
                    'paused_from', to_char((received_at + interval '20 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS+00:00'),
                    'paused_to', to_char((received_at + interval '44 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS+00:00')),
                status, kind, channel_id, office_id, service_id, directorate_id, area_id
            FROM cases_case WHERE paused_seconds > 0
            """
        )
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_caseevent")
    print(
        f"inserted {args.cases:,} open cases on CESI_GUERRERO and {args.others:,} on CESI_CDMX "
        f"with their events in {time.perf_counter() - started:.0f} s"
    )

    # The notice: terms suspended on five business days of the last two weeks.
    first_day = (now - dt.timedelta(days=9)).date()
    days = [
        first_day + dt.timedelta(days=n)
        for n in range(9)
        if (first_day + dt.timedelta(days=n)).weekday() < 5
    ][:5]
    for day in days:
        CalendarException.objects.create(
            calendar=region, date=day, closed=True, name="Suspensión de plazos (huracán)"
        )
    print(
        f"notice: CESI_GUERRERO closed on {', '.join(d.isoformat() for d in days)}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    started = time.perf_counter()
    preview = sla_repair_preview(region.pk, timezone.now()).as_dict()
    print(
        f"preview: {preview['changed']:,} of {preview['open_cases']:,} open cases would change "
        f"(lifted {preview['breaches_lifted']:,}, appearing {preview['breaches_appearing']:,}) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    run = sla_repair_continue(
        sla_repair_start(region, "Suspensión de plazos (huracán)", timezone.now()), timezone.now
    )
    elapsed = time.perf_counter() - started
    print(
        f"repair: {run.changed:,} of {run.seen:,} open cases recomputed (lifted {run.lifted:,}, "
        f"new breaches {run.breached:,}) in {elapsed:.1f} s "
        f"({'under' if elapsed < 60 else 'OVER'} the one-minute target)"
    )

    new_spec = calendar_spec_for(region.pk)
    for case in Case.objects.filter(sla_calendar=region, paused_seconds=0).order_by("?")[:200]:
        assert case.resolution_due_at == clock.due_at(
            new_spec, case.received_at, 15, "business_days"
        ), case.folio
    untouched = Case.objects.filter(sla_calendar=cdmx, version=1).count()
    print(
        f"sample of 200 checked against the clock; CESI_CDMX cases untouched: {untouched:,}/{args.others:,}"
    )


if __name__ == "__main__":
    main()
