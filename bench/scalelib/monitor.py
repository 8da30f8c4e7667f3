"""The SLA monitor part of `bench/scale_bench.py`: stage crossings on a copy, time the passes."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from .timing import header, record


def stage(crossing: int, now: dt.datetime) -> None:
    """`crossing` running cases, on track until now, cross a threshold since a pass a minute ago:
    all their warning instant (due tomorrow or later), half of them their due instant too."""
    from django.db import connection

    from cases.models import SlaMonitorMark

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS scale_staged (id bigint PRIMARY KEY, due bool)"
        )
        cursor.execute("TRUNCATE scale_staged")
        cursor.execute(
            "INSERT INTO scale_staged SELECT id, row_number() OVER () <= %s FROM (SELECT id FROM cases_case "
            "WHERE status IN ('assigned','in_progress','new') ORDER BY random() LIMIT %s) s",
            [crossing // 2, crossing],
        )
        cursor.execute(
            "UPDATE cases_case c SET sla_state = 'on_track', warn_at = %s, resolution_due_at = CASE WHEN s.due "
            "THEN %s ELSE greatest(c.resolution_due_at, %s) END FROM scale_staged s WHERE c.id = s.id",
            [
                now - dt.timedelta(seconds=30),
                now - dt.timedelta(seconds=10),
                now + dt.timedelta(days=1),
            ],
        )
        # Steady state: the staging's dead row versions gone before the pass (not timed).
        cursor.execute("VACUUM cases_case")
    SlaMonitorMark.objects.update_or_create(
        pk=1,
        defaults={
            "scanned_to": now - dt.timedelta(minutes=1),
            "full_scan_at": now - dt.timedelta(minutes=1),
        },
    )


def monitor_passes(runs: int, crossing: int) -> None:
    from django.utils import timezone

    from cases.models import SlaMonitorMark
    from cases.sla.monitor import FULL_SCAN_EVERY, sla_monitor_run

    SlaMonitorMark.objects.filter(pk=1).delete()  # the first pass scans every running case
    started = time.perf_counter()
    report = sla_monitor_run(timezone.now())
    print(
        f"\nmonitor catch-up (the copy's states date from its generation): warned {report.warned:,}, "
        f"breached {report.breached:,} in {time.perf_counter() - started:.1f} s"
    )
    header(f"SLA monitor (sla_monitor_run; {crossing:,} staged crossings a pass)")
    regular, idle, crossed = [], [], []
    for _ in range(runs + 1):  # the first is the warm-up
        stage(crossing, timezone.now())
        started = time.perf_counter()
        report = sla_monitor_run(timezone.now())
        regular.append((time.perf_counter() - started) * 1000)
        crossed.append(report.warned + report.breached)
        started = time.perf_counter()
        sla_monitor_run(timezone.now())
        idle.append((time.perf_counter() - started) * 1000)
    note = f"{statistics.median(crossed[1:]):,.0f} warnings + breaches written a pass"
    record("regular pass (every minute)", regular[1:], note)
    record("idle pass (nothing crossed)", idle[1:], "")
    hourly = []
    for _ in range(runs + 1):
        SlaMonitorMark.objects.filter(pk=1).update(full_scan_at=timezone.now() - FULL_SCAN_EVERY)
        started = time.perf_counter()
        sla_monitor_run(timezone.now())
        hourly.append((time.perf_counter() - started) * 1000)
    record("hourly check (every running case)", hourly[1:], "")
