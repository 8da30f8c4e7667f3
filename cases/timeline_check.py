"""Whether a case's timeline is one the services could have written (SPEC §3, §4, §10).

The timeline is replayed in its order (`at`, then id) from CREATED through the allowed-transitions
table (`cases.lifecycle`, routing and the resolution at intake included): each event must be
possible from the status the replay has reached, must record the status it leads to, and the
replay must end at the case's stored status. Besides the lifecycle, it checks what a duplicated
or half-applied write would leave behind: more than one CREATED or ROUTED event, an automatic
assignment that does not follow routing, or the same e-mail recorded twice for one cause.

Used by `bench/soak.py` after fault injection (killed workers, a restarted broker, terminated
database connections); reads only, writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .lifecycle import RESOLVE_AT_INTAKE, ROUTE, TRANSITIONS, transition_target
from .models import Case, CaseEvent, CaseStatus, EventKind

# Kinds that record something beside the lifecycle: the status stays what it was.
STATUS_KEEPING_KINDS = frozenset(
    {
        EventKind.COMMENTED,
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACHED,
        EventKind.ESCALATED,
        EventKind.NOTIFIED,
        EventKind.SURVEY_ANSWERED,
        EventKind.MERGED,
        EventKind.UPDATED,
        EventKind.SLA_RECOMPUTED,
        # A macro's own changes have their own events; its summary changes nothing.
        EventKind.MACRO_APPLIED,
    }
)
# Kinds written by `case_transition`, each carrying {action, from, to}.
TRANSITION_KINDS = frozenset(
    {
        EventKind.STATUS_CHANGED,
        EventKind.TRANSFERRED,
        EventKind.RECLASSIFIED,
        EventKind.ASSIGNED,
        EventKind.SLA_EXTENDED,
    }
)


@dataclass(frozen=True)
class TimelineEvent:
    kind: str
    status: str
    data: dict[str, Any] = field(default_factory=dict)


def _is_intake_resolution(event: TimelineEvent) -> bool:
    data = event.data
    return (
        event.kind == EventKind.STATUS_CHANGED
        and data.get("action") == "resolve"
        and data.get("from") == CaseStatus.NEW
    )


def _system_transition_problem(action: str, status: str, event: TimelineEvent) -> bool:
    """Whether a routing or a resolution at intake does not fit the table at `status`."""
    target = transition_target(action, status)
    return target is None or (event.data.get("from"), event.data.get("to")) != (status, target)


def _transition_problem(status: str, event: TimelineEvent, previous: TimelineEvent) -> str | None:
    """What is wrong with a lifecycle event applied at `status`, or None."""
    data = event.data
    action = data.get("action")
    if _is_intake_resolution(event):
        if previous.kind != EventKind.CREATED or _system_transition_problem(
            RESOLVE_AT_INTAKE, status, event
        ):
            return "a resolution at intake that does not follow the creation"
        return None
    if action not in TRANSITIONS:
        return f"{event.kind} with unknown action {action!r}"
    allowed_from, to_status = TRANSITIONS[action]
    if status not in allowed_from:
        return f"{action} from status {status!r}, which the transitions table does not allow"
    if data.get("from") != status:
        return f"{action} records from={data.get('from')!r} but the case was {status!r}"
    if data.get("to") != (to_status or status):
        return f"{action} records to={data.get('to')!r}, expected {to_status or status!r}"
    return None


def _repeated(events: Sequence[TimelineEvent]) -> list[str]:
    """What a duplicated write leaves: a second CREATED or ROUTED, a notice recorded twice."""
    problems: list[str] = []
    kinds = Counter(event.kind for event in events)
    if events[0].kind != EventKind.CREATED:
        problems.append(f"the first event is {events[0].kind!r}, not 'created'")
    for kind in (EventKind.CREATED.value, EventKind.ROUTED.value):
        if kinds[kind] > 1:
            problems.append(f"{kinds[kind]} {kind!r} events")
    notices = Counter(
        (event.data.get("template"), event.data.get("event"))
        for event in events
        if event.kind == EventKind.NOTIFIED
    )
    problems.extend(
        f"notice {template!r} for event {cause} recorded {count} times"
        for (template, cause), count in notices.items()
        if count > 1
    )
    return problems


def _creation_problem(
    events: Sequence[TimelineEvent], position: int, status: str | None
) -> str | None:
    event = events[position]
    if status is not None:
        return "a second creation"
    if event.status == CaseStatus.RESOLVED:  # resolved at intake: the next event says so
        following = events[position + 1] if position + 1 < len(events) else None
        if following is None or not _is_intake_resolution(following):
            return "created resolved without a resolution at intake"
    elif event.status != CaseStatus.NEW:
        return f"created with status {event.status!r}"
    return None


def _step(status: str, event: TimelineEvent, previous: TimelineEvent) -> tuple[str, str | None]:
    """The status after `event` (not a creation) at `status`, and what is wrong with it."""
    problem = None
    if event.kind == EventKind.ROUTED:
        if _system_transition_problem(ROUTE, status, event):
            problem = f"routed from status {status!r}"
        status = CaseStatus.ASSIGNED.value
    elif event.kind == EventKind.ASSIGNED and "action" not in event.data:
        if previous.kind != EventKind.ROUTED:  # routing's own assignment follows ROUTED
            problem = "an automatic assignment that does not follow routing"
    elif event.kind in TRANSITION_KINDS:
        problem = _transition_problem(status, event, previous)
        status = event.data.get("to", status)
    elif event.kind not in STATUS_KEEPING_KINDS:
        problem = f"unknown kind {event.kind!r}"
    if problem is None and event.status != status:
        problem = f"records status {event.status!r} but the replay reached {status!r}"
    return status, problem


def timeline_problems(events: Sequence[TimelineEvent], final_status: str) -> list[str]:
    """Every way `events` (in timeline order) differ from a history the services could write;
    empty when the timeline is valid and ends at `final_status`."""
    if not events:
        return ["no events"]
    problems = _repeated(events)
    status: str | None = None
    previous = events[0]
    for position, event in enumerate(events):
        where = f"event {position + 1} ({event.kind})"
        if event.kind == EventKind.CREATED:
            problem = _creation_problem(events, position, status)
            status = CaseStatus.NEW.value
        elif status is None:
            problems.append(f"{where}: before the creation")
            status, problem = event.status, None
        else:
            status, problem = _step(status, event, previous)
        if problem:
            problems.append(f"{where}: {problem}")
        previous = event
    if status != final_status:
        problems.append(f"the timeline ends at {status!r} but the case is {final_status!r}")
    return problems


def case_timeline_problems(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """{case id: problems} for the cases among `case_ids` whose timeline is not valid."""
    ids = list(case_ids)
    timelines: dict[int, list[TimelineEvent]] = defaultdict(list)
    # In a transaction: the server-side cursor then needs no WITH HOLD (pgbouncer in
    # transaction mode), and events and statuses are read from one snapshot.
    with transaction.atomic():
        for case_id, kind, status, data in (
            CaseEvent.objects.filter(case_id__in=ids)
            .order_by("case_id", "at", "id")
            .values_list("case_id", "kind", "status", "data")
            .iterator(chunk_size=5000)
        ):
            timelines[case_id].append(TimelineEvent(kind, status, data or {}))
        statuses = dict(Case.objects.filter(pk__in=ids).values_list("pk", "status"))
    invalid: dict[int, list[str]] = {}
    for case_id in ids:
        if case_id not in statuses:
            invalid[case_id] = ["no such case"]
            continue
        problems = timeline_problems(timelines.get(case_id, []), statuses[case_id])
        if problems:
            invalid[case_id] = problems
    return invalid
