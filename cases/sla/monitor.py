"""The SLA monitor (SPEC §6): marks open cases at risk and breached, once, and escalates.

Runs every minute from beat. A pass looks only at the thresholds that fell since the last
complete pass (`SlaMonitorMark.scanned_to`, less a margin for clocks and for transactions that
were still open), through the partial indexes on the running cases' instants
(`case_running_warn_idx`, `case_running_due_idx`), in batches, each batch in one transaction:
lock the rows (skipping rows another monitor holds), flip their state with a conditional
UPDATE, and write one event per case. A case is picked only while it is still in the state
before the threshold, so a second pass, or two monitors at once, write nothing twice.

Why a window is enough: every service that moves a case's instants stores the state at that
moment (`sla_state_at`), so a threshold can only be crossed *by time*, and time crosses each
threshold once. Once an hour (and on the first pass) the monitor still scans every running
case, a self-check that costs a fraction of a second. Waiting cases are not scanned: their
clock is stopped. `sla_state` is in no index, so flipping it is a HOT update (ADR 0010).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case as DbCase
from django.db.models import F, PositiveSmallIntegerField, Value, When
from django.db.models.functions import Least

from catalog.models import SlaPolicy

from ..events import SYSTEM, event_build, event_instants
from ..models import Case, CaseEvent, EventKind, Priority, SlaMonitorMark, SlaState
from ..ports import CASE_SLA_BREACHED, case_events_publish

RUNNING_STATUSES = ["assigned", "in_progress", "new"]  # must match the partial indexes
BATCH_SIZE = 2000
# Thresholds up to this long before the last complete pass are looked at again.
WINDOW_MARGIN = dt.timedelta(minutes=15)
FULL_SCAN_EVERY = dt.timedelta(hours=1)
# What the batch reads of each case: the event's dimensions, thresholds, priority and policy.
BATCH_FIELDS = (
    "id",
    "status",
    "kind",
    "channel_id",
    "office_id",
    "service_id",
    "directorate_id",
    "area_id",
    "priority",
    "warn_at",
    "resolution_due_at",
    "sla_policy_id",
    "sla_state",
)


@dataclass
class MonitorReport:
    warned: int = 0
    breached: int = 0
    escalated_ids: list[int] = field(default_factory=list)


def _locked_batch(queryset):  # type: ignore[no-untyped-def]
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.only(*BATCH_FIELDS)[:BATCH_SIZE])


def _warn_batch(now: dt.datetime, since: dt.datetime | None) -> int:
    """On-track cases past their warning instant but not yet due: at risk."""
    crossed = Case.objects.filter(
        status__in=RUNNING_STATUSES,
        sla_state=SlaState.ON_TRACK,
        warn_at__lte=now,
        resolution_due_at__gte=now,
    )
    if since is not None:
        crossed = crossed.filter(warn_at__gt=since)
    with transaction.atomic():
        cases = _locked_batch(crossed.order_by("warn_at"))
        if not cases:
            return 0
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            sla_state=SlaState.AT_RISK, version=F("version") + 1, updated_at=now
        )
        instants = event_instants(cases, now)
        CaseEvent.objects.bulk_create(
            event_build(
                case,
                EventKind.SLA_WARNING,
                SYSTEM,
                instants[case.pk],
                {"warn_at": case.warn_at.isoformat()},
            )
            for case in cases
        )
        return len(cases)


def _breach_events(
    case: Case, policy: SlaPolicy, raised: bool, now: dt.datetime
) -> list[CaseEvent]:
    events = []
    if case.sla_state == SlaState.ON_TRACK:
        # Crossed both thresholds since the last pass: the warning is still recorded, once.
        events.append(
            event_build(
                case, EventKind.SLA_WARNING, SYSTEM, now, {"warn_at": case.warn_at.isoformat()}
            )
        )
    events.append(
        event_build(
            case,
            EventKind.SLA_BREACHED,
            SYSTEM,
            now,
            {"resolution_due_at": case.resolution_due_at.isoformat()},
        )
    )
    if policy.escalate_raise_priority or policy.escalate_notify_supervisors:
        data = {
            "priority_from": case.priority,
            "priority_to": case.priority + 1 if raised else case.priority,
            "notify_supervisors": policy.escalate_notify_supervisors,
        }
        events.append(event_build(case, EventKind.ESCALATED, SYSTEM, now, data))
    return events


def _breach_batch(now: dt.datetime, since: dt.datetime | None, report: MonitorReport) -> int:
    """Running cases past due: breached, escalated per their policy, in one UPDATE per batch."""
    crossed = Case.objects.filter(
        status__in=RUNNING_STATUSES,
        sla_state__in=[SlaState.ON_TRACK, SlaState.AT_RISK],
        resolution_due_at__lt=now,
    )
    if since is not None:
        crossed = crossed.filter(resolution_due_at__gt=since)
    with transaction.atomic():
        cases = _locked_batch(crossed.order_by("resolution_due_at"))
        if not cases:
            return 0
        policies = SlaPolicy.objects.in_bulk({c.sla_policy_id for c in cases})
        raise_ids = {
            c.pk
            for c in cases
            if policies[c.sla_policy_id].escalate_raise_priority and c.priority < Priority.URGENT
        }
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            sla_state=SlaState.BREACHED,
            version=F("version") + 1,
            updated_at=now,
            priority=_raised_priority(raise_ids),
        )
        events: list[CaseEvent] = []
        instants = event_instants(cases, now)
        for case in cases:
            policy = policies[case.sla_policy_id]
            events.extend(_breach_events(case, policy, case.pk in raise_ids, instants[case.pk]))
            report.warned += case.sla_state == SlaState.ON_TRACK
            if policy.escalate_notify_supervisors:
                report.escalated_ids.append(case.pk)
        CaseEvent.objects.bulk_create(events)
        case_events_publish([c.pk for c in cases], CASE_SLA_BREACHED, now)
        return len(cases)


def _raised_priority(raise_ids: set[int]):  # type: ignore[no-untyped-def]
    """priority + 1 for the given ids, unchanged for the rest (one UPDATE for the batch)."""
    if not raise_ids:
        return F("priority")
    raised = Least(
        F("priority") + 1, Value(int(Priority.URGENT)), output_field=PositiveSmallIntegerField()
    )
    return DbCase(
        When(pk__in=raise_ids, then=raised),
        default=F("priority"),
        output_field=PositiveSmallIntegerField(),
    )


def _window_start(now: dt.datetime) -> dt.datetime | None:
    """Where this pass starts: after the last complete pass (less the margin), or None for a
    full scan (first pass, or the hourly self-check)."""
    mark = SlaMonitorMark.objects.filter(pk=1).first()
    if mark is None or now - mark.full_scan_at >= FULL_SCAN_EVERY:
        return None
    return min(mark.scanned_to, now) - WINDOW_MARGIN


def _mark_scanned(now: dt.datetime, full: bool) -> None:
    """Record a complete pass. Never moves the mark back (a slower pass may finish later)."""
    mark, created = SlaMonitorMark.objects.get_or_create(
        pk=1, defaults={"scanned_to": now, "full_scan_at": now}
    )
    if created:
        return
    changes: dict[str, dt.datetime] = {}
    if now > mark.scanned_to:
        changes["scanned_to"] = now
    if full and now > mark.full_scan_at:
        changes["full_scan_at"] = now
    if changes:
        SlaMonitorMark.objects.filter(pk=1).update(**changes)


def sla_monitor_run(now: dt.datetime, max_batches: int = 1000) -> MonitorReport:
    """One pass: every case whose warning or due instant has passed since the last pass."""
    report = MonitorReport()
    since = _window_start(now)
    complete = True
    for _ in range(max_batches):
        done = _warn_batch(now, since)
        report.warned += done
        if done < BATCH_SIZE:
            break
    else:
        complete = False
    for _ in range(max_batches):
        done = _breach_batch(now, since, report)
        report.breached += done
        if done < BATCH_SIZE:
            break
    else:
        complete = False
    if complete:
        _mark_scanned(now, full=since is None)
    return report
