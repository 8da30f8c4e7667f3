"""SLA repair: the open cases of a calendar recomputed after the calendar changed (ADR 0014).

`sla_repair_start` records a run (`SlaRepairRun`) naming its cause (a confirmed calendar notice,
or the `sla_repair` command); `sla_repair_continue` works through the calendar's open cases in
ascending id, in batches. Each batch, in one transaction: lock its cases, recompute each from its
own snapshot on the calendar as it is now (`cases.sla.repair_changes`), write the changed
instants with one UPDATE, one SLA_RECOMPUTED event per changed case (cause, old and new
instants, state before and after), the warnings and breaches that now hold (as the SLA monitor
writes them, escalation included), lift the breaches that no longer hold (the priority an
escalation raised goes back) and move the run's cursor. A run stopped at any point resumes
after its cursor. Closed, resolved and cancelled cases are never read nor written.

Follow-up work (the citizen's e-mail when the promised date moved later, the supervisors'
breach e-mail) is handed to ``notify`` inside the batch's transaction, which queues it on commit
(:func:`repair_notices_enqueue`).

A calendar notice reaches this module through the channels app's port (``channels.ports``),
which ``cases.apps`` fills with :func:`calendar_change_preview` and :func:`calendar_change_repair`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from businesstime.calendar_spec import CalendarSpec
from catalog.models import SlaPolicy
from channels.models import BusinessCalendar, CalendarNotice
from channels.notices import notice_cause
from channels.selectors import calendar_spec_for

from ..events import SYSTEM, event_build, event_instants
from ..followups import (
    RUN_SLA_REPAIR,
    SEND_BREACH_NOTICE,
    SEND_CALENDAR_CHANGE_NOTICE,
    followup_on_commit,
)
from ..models import Case, CaseEvent, EventKind, Priority, SlaRepairRun, SlaState
from ..ports import CASE_SLA_BREACHED, case_events_publish
from .monitor import _breach_events
from .repair_changes import (
    BATCH_SIZE,
    Change,
    case_rows,
    changes_in,
    office_timezones,
    open_cases,
    sla_repair_preview,
)

UPDATED_FIELDS = [
    "first_response_due_at", "resolution_due_at", "warn_at", "paused_open_seconds", "sla_state",
    "priority", "version", "updated_at",
]  # fmt: skip


@dataclass
class BatchReport:
    seen: int = 0
    changed: int = 0
    lifted: int = 0
    breached: int = 0
    told_ids: list[int] = field(default_factory=list)  # citizens to tell: promised date later
    escalated_ids: list[int] = field(default_factory=list)  # supervisors to tell: new breach


Notify = Callable[[BatchReport], None]


def sla_repair_start(
    calendar: BusinessCalendar, cause: str, now: dt.datetime, notice: CalendarNotice | None = None
) -> SlaRepairRun:
    return SlaRepairRun.objects.create(
        calendar=calendar, notice=notice, cause=cause, started_at=now
    )


def sla_repair_pending(calendar: BusinessCalendar) -> SlaRepairRun | None:
    """The calendar's unfinished run, if one was stopped (the oldest)."""
    return (
        SlaRepairRun.objects.filter(calendar=calendar, status=SlaRepairRun.Status.RUNNING)
        .order_by("started_at", "id")
        .first()
    )


def _iso(instant: dt.datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def _instants(dues) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {
        "first_response_due_at": _iso(dues.first_response_due_at),
        "resolution_due_at": _iso(dues.resolution_due_at),
        "warn_at": _iso(dues.warn_at),
    }


def _raised_by_escalation(case_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{case id: (priority before, after)} of each case's latest escalation that raised it."""
    latest: dict[int, tuple[int, int]] = {}
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids, kind=EventKind.ESCALATED)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "data")
    )
    for case_id, data in rows:
        latest[case_id] = (int(data.get("priority_from", 0)), int(data.get("priority_to", 0)))
    return {k: v for k, v in latest.items() if v[1] > v[0]}


def _apply(changes: list[Change], run: SlaRepairRun, now: dt.datetime, report: BatchReport) -> None:
    """Write the batch's changes: instants, state, events, breaches and lifts."""
    instants = event_instants([c.case for c in changes], now)
    policies = SlaPolicy.objects.in_bulk({c.case.sla_policy_id for c in changes if c.appears})
    raised = _raised_by_escalation([c.case.pk for c in changes if c.lifted])
    events: list[CaseEvent] = []
    breached_ids: list[int] = []
    for change in changes:
        case, at = change.case, instants[change.case.pk]
        data: dict = {
            "cause": run.cause,
            "run": run.pk,
            "notice": run.notice_id,
            "calendar": run.calendar.code,
            "from_instants": _instants(change.old),
            "to_instants": _instants(change.new),
            "sla_state_from": change.old_state,
            "sla_state_to": change.new_state,
            "promised_later": change.promised_later,
        }
        if change.lifted:
            data["breach_lifted"] = True
            report.lifted += 1
            if case.pk in raised and case.priority == raised[case.pk][1]:
                data["priority_from"], data["priority_to"] = case.priority, raised[case.pk][0]
                case.priority = raised[case.pk][0]
        new = change.new
        case.first_response_due_at, case.resolution_due_at = (
            new.first_response_due_at,
            new.resolution_due_at,
        )
        case.warn_at, case.paused_open_seconds = new.warn_at, new.paused_open_seconds
        case.version += 1
        case.updated_at = now
        events.append(event_build(case, EventKind.SLA_RECOMPUTED, SYSTEM, at, data))
        if change.appears:
            policy = policies[case.sla_policy_id]
            raise_priority = policy.escalate_raise_priority and case.priority < Priority.URGENT
            # `_breach_events` reads the state before the breach (a warning first if on track).
            events.extend(_breach_events(case, policy, raise_priority, at))
            if raise_priority:
                case.priority += 1
            breached_ids.append(case.pk)
            report.breached += 1
            if policy.escalate_notify_supervisors:
                report.escalated_ids.append(case.pk)
        elif change.old_state == SlaState.ON_TRACK and change.new_state == SlaState.AT_RISK:
            events.append(
                event_build(
                    case, EventKind.SLA_WARNING, SYSTEM, at, {"warn_at": case.warn_at.isoformat()}
                )
            )
        case.sla_state = change.new_state
        if change.promised_later:
            report.told_ids.append(case.pk)
    _write_cases([c.case for c in changes])
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    if breached_ids:
        case_events_publish(breached_ids, CASE_SLA_BREACHED, now)


def _write_cases(cases: list[Case]) -> None:
    """The batch's new instants in one UPDATE (PostgreSQL: from arrays; else `bulk_update`)."""
    if connection.vendor != "postgresql":
        Case.objects.bulk_update(cases, UPDATED_FIELDS, batch_size=500)
        return
    columns: dict[str, tuple[str, list[Any]]] = {
        "id": ("bigint", [c.pk for c in cases]),
        "first_response_due_at": ("timestamptz", [c.first_response_due_at for c in cases]),
        "resolution_due_at": ("timestamptz", [c.resolution_due_at for c in cases]),
        "warn_at": ("timestamptz", [c.warn_at for c in cases]),
        "paused_open_seconds": ("integer", [c.paused_open_seconds for c in cases]),
        "sla_state": ("text", [c.sla_state for c in cases]),
        "priority": ("smallint", [c.priority for c in cases]),
        "version": ("integer", [c.version for c in cases]),
        "updated_at": ("timestamptz", [c.updated_at for c in cases]),
    }
    arrays = ", ".join(f"%s::{kind}[]" for kind, _values in columns.values())
    assignments = ", ".join(f"{name} = v.{name}" for name in columns if name != "id")
    sql = (
        f"UPDATE cases_case SET {assignments} FROM unnest({arrays}) AS v({', '.join(columns)}) "  # noqa: S608 - fixed names
        "WHERE cases_case.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [values for _kind, values in columns.values()])


def sla_repair_batch(
    run: SlaRepairRun, now: dt.datetime, *, size: int = BATCH_SIZE, notify: Notify | None = None
) -> BatchReport:
    """One batch of the run after its cursor, in one transaction (cases, events, cursor)."""
    report = BatchReport()
    spec = calendar_spec_for(run.calendar_id)
    tz_of = office_timezones()
    with transaction.atomic():
        locked = SlaRepairRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != SlaRepairRun.Status.RUNNING:
            return report
        cases = case_rows(
            open_cases(run.calendar_id)
            .filter(pk__gt=locked.cursor)
            .select_for_update(of=("self",))[:size]
        )
        if not cases:
            locked.status, locked.finished_at = SlaRepairRun.Status.DONE, now
            locked.save(update_fields=["status", "finished_at"])
            run.status, run.finished_at = locked.status, locked.finished_at
            return report
        changes = changes_in(cases, spec, now, tz_of)
        report.seen, report.changed = len(cases), len(changes)
        if changes:
            _apply(changes, locked, now, report)
        SlaRepairRun.objects.filter(pk=run.pk).update(
            cursor=cases[-1].id,
            seen=F("seen") + report.seen,
            changed=F("changed") + report.changed,
            lifted=F("lifted") + report.lifted,
            breached=F("breached") + report.breached,
        )
        if notify is not None:
            notify(report)
    run.refresh_from_db()
    return report


def sla_repair_continue(
    run: SlaRepairRun,
    clock: Callable[[], dt.datetime],
    *,
    size: int = BATCH_SIZE,
    notify: Notify | None = None,
    progress: Callable[[SlaRepairRun], None] | None = None,
    max_batches: int | None = None,
) -> SlaRepairRun:
    """Run batches until the run is done (or ``max_batches``); each batch reads ``clock()``."""
    done = 0
    while run.status == SlaRepairRun.Status.RUNNING and (max_batches is None or done < max_batches):
        sla_repair_batch(run, clock(), size=size, notify=notify)
        done += 1
        if progress is not None:
            progress(run)
    return run


def repair_notices_enqueue(report: BatchReport) -> None:
    """The e-mails a repair batch owes, queued when the batch commits."""
    for case_id in report.told_ids:
        followup_on_commit(SEND_CALENDAR_CHANGE_NOTICE, case_id)
    for case_id in report.escalated_ids:
        followup_on_commit(SEND_BREACH_NOTICE, case_id)


# --- The channels app's calendar-change port (``channels.ports``) ---------------------------


def calendar_change_preview(calendar_id: int, spec: CalendarSpec, now: dt.datetime) -> dict:
    """What recomputing the calendar's open cases on ``spec`` would change."""
    return sla_repair_preview(calendar_id, now, spec).as_dict()


def calendar_change_repair(
    calendar: BusinessCalendar, notice: CalendarNotice | None, now: dt.datetime
) -> None:
    """Start recomputing the calendar's open cases: a run, worked by a task queued on commit."""
    cause = notice_cause(notice) if notice is not None else f"cambio del calendario {calendar.code}"
    run = sla_repair_start(calendar, cause, now, notice)
    followup_on_commit(RUN_SLA_REPAIR, run.pk)
