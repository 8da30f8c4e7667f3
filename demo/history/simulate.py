"""One case's life, played forward with the real rules: the same event kinds and data shapes
as cases.services (workflow, intake, content), cases.routing and cases.sla.monitor write, due
instants from the pure SLA clock, and the SLA monitor's marks at the minute it would run.

`CaseLife` holds the case row as a dict (column → value) and its timeline; nothing here
touches the database. Actions happen only before `now`; the case is left as it stands then.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from businesstime import clock
from businesstime.calendar_spec import CalendarSpec

from .catalog import PolicyInfo, Snapshot

RUNNING = ("new", "assigned", "in_progress")
MINUTE = dt.timedelta(minutes=1)
GAP = dt.timedelta(minutes=2)  # people act at least this far apart
Actor = tuple[int | None, int | None]  # (user id, client id)
SYSTEM: Actor = (None, None)


@dataclass(frozen=True)
class Ref:
    """An id known only at write time: `kind` is "event" or "comment", `index` in this case."""

    kind: str
    index: int


@dataclass
class Event:
    kind: str
    at: dt.datetime
    actor: Actor
    data: dict[str, Any]
    # Where the case stood (copied like cases.events.event_build does).
    status: str
    case_kind: str
    channel_id: int
    office_id: int | None
    service_id: int
    directorate_id: int | None
    area_id: int | None


@dataclass
class Comment:
    at: dt.datetime
    actor: Actor
    body: str


@dataclass
class CaseLife:
    row: dict[str, Any]
    spec: CalendarSpec
    policy: PolicyInfo
    events: list[Event] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    survey: tuple[int, int, str, dt.datetime] | None = None
    pauses: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    # --- timeline ---------------------------------------------------------------------------

    def record(self, kind: str, at: dt.datetime, actor: Actor, data: dict[str, Any]) -> int:
        r = self.row
        self.events.append(
            Event(kind, at, actor, data, r["status"], r["kind"], r["channel_id"], r["office_id"],
                  r["service_id"], r["directorate_id"], r["area_id"])
        )  # fmt: skip
        return len(self.events) - 1

    def touch(self, at: dt.datetime) -> None:
        self.row["version"] += 1
        self.row["updated_at"] = at

    # --- SLA ----------------------------------------------------------------------------------

    def state_at(self, now: dt.datetime) -> str:
        """cases.sla.policy.sla_state_at over the row."""
        r = self.row
        if r["status"] == "waiting":
            return "paused"
        if r["resolved_at"] is not None and r["status"] in ("resolved", "closed"):
            return "met" if r["resolved_at"] <= r["resolution_due_at"] else "breached"
        if r["status"] == "cancelled":
            return r["sla_state"]
        if now > r["resolution_due_at"]:
            return "breached"
        if now >= r["warn_at"]:
            return "at_risk"
        return "on_track"

    def monitor_until(self, until: dt.datetime) -> None:
        """The beat monitor's passes (whole minutes) up to `until`: at risk, breached, escalated."""
        r = self.row
        while r["status"] in RUNNING and r["sla_state"] in ("on_track", "at_risk"):
            due, warn = r["resolution_due_at"], r["warn_at"]
            if r["sla_state"] == "on_track":
                tick = _ceil_minute(warn)
                if tick > until:
                    return
                if due >= tick:
                    r["sla_state"] = "at_risk"
                    self.touch(tick)
                    self.record("sla_warning", tick, SYSTEM, {"warn_at": warn.isoformat()})
                    continue
            else:
                tick = _after_minute(due)
                if tick > until:
                    return
            self._breach(tick)

    def _breach(self, tick: dt.datetime) -> None:
        r, policy = self.row, self.policy
        was_on_track = r["sla_state"] == "on_track"
        raised = policy.raise_priority and r["priority"] < 4
        priority = r["priority"]
        r["sla_state"] = "breached"
        if raised:
            r["priority"] = priority + 1
        self.touch(tick)
        if was_on_track:
            self.record("sla_warning", tick, SYSTEM, {"warn_at": r["warn_at"].isoformat()})
        self.record(
            "sla_breached", tick, SYSTEM, {"resolution_due_at": r["resolution_due_at"].isoformat()}
        )
        if policy.raise_priority or policy.notify_supervisors:
            data = {"priority_from": priority, "priority_to": priority + 1 if raised else priority,
                    "notify_supervisors": policy.notify_supervisors}  # fmt: skip
            self.record("escalated", tick, SYSTEM, data)

    # --- actions (cases.services.workflow.case_transition) ----------------------------------

    def transition(
        self, action: str, to: str | None, at: dt.datetime, actor: Actor, **extra: Any
    ) -> int:
        r = self.row
        kind = {"transfer": "transferred", "reclassify": "reclassified"}.get(
            action, "status_changed"
        )
        data: dict[str, Any] = {"action": action, "from": r["status"]}
        if r["status"] == "waiting" and to not in (None, "waiting"):
            data.update(self._end_pause(at))
        data.update(extra)
        if to is not None:
            r["status"] = to
        data["to"] = r["status"]
        self.touch(at)
        r["sla_state"] = self.state_at(at)
        return self.record(kind, at, actor, data)

    def _end_pause(self, at: dt.datetime) -> dict[str, Any]:
        r, spec = self.row, self.spec
        paused_from = r["paused_at"]
        unit = r["sla_resolution_unit"]
        r["resolution_due_at"] = clock.extend_for_pause(
            spec, r["resolution_due_at"], paused_from, at, unit
        )
        r["warn_at"] = clock.truncate_to_second(
            clock.extend_for_pause(spec, r["warn_at"], paused_from, at, unit)
        )
        if r["first_response_due_at"] is not None and r["first_response_at"] is None:
            r["first_response_due_at"] = clock.extend_for_pause(
                spec, r["first_response_due_at"], paused_from, at, r["sla_first_response_unit"]
            )
        open_seconds = int(clock.open_time_between(spec, paused_from, at).total_seconds())
        r["paused_seconds"] += int((at - paused_from).total_seconds())
        r["paused_open_seconds"] += open_seconds
        r["paused_at"] = None
        self.pauses.append((paused_from, at))
        return {
            "paused_from": paused_from.isoformat(),
            "paused_to": at.isoformat(),
            "paused_open_seconds": open_seconds,
        }

    def _before(self, at: dt.datetime) -> None:
        # The monitor's passes before this instant come first, with the case as it was.
        self.monitor_until(at - dt.timedelta(microseconds=1))

    def take(self, at: dt.datetime, user_id: int) -> None:
        self._before(at)
        self.row["assignee_id"] = user_id
        self.transition("take", "in_progress", at, (user_id, None))

    def pause(self, at: dt.datetime, actor: Actor, reason: str) -> None:
        self._before(at)
        self.row["paused_at"] = at
        self.transition("pause", "waiting", at, actor, reason=reason)

    def resume(self, at: dt.datetime, actor: Actor) -> None:
        self._before(at)
        self.transition("resume", "in_progress", at, actor)

    def resolve(self, at: dt.datetime, actor: Actor, resolution: str) -> int:
        self._before(at)
        r = self.row
        r["resolution"] = resolution
        r["resolved_at"] = at
        r["first_response_at"] = r["first_response_at"] or at
        return self.transition("resolve", "resolved", at, actor)

    def reopen(self, at: dt.datetime, actor: Actor, reason: str) -> None:
        self._before(at)
        self.row["resolved_at"] = None
        self.row["reopen_count"] += 1
        self.transition("reopen", "in_progress", at, actor, reason=reason)

    def close(self, at: dt.datetime, actor: Actor) -> None:
        self._before(at)
        self.row["closed_at"] = at
        self.transition("close", "closed", at, actor)

    def cancel(self, at: dt.datetime, actor: Actor, reason: str) -> None:
        self._before(at)
        self.row["closed_at"] = at
        self.transition("cancel", "cancelled", at, actor, reason=reason)

    def transfer(
        self, at: dt.datetime, actor: Actor, reason: str, area_id: int, snap: Snapshot
    ) -> None:
        self._before(at)
        r = self.row
        extra = {"reason": reason, "from_area": snap.area_codes.get(r["area_id"]), "to_area": snap.area_codes[area_id],
                 "to_directorate": snap.directorate_codes[snap.area_directorate[area_id]]}  # fmt: skip
        r["area_id"], r["directorate_id"] = area_id, snap.area_directorate[area_id]
        r["assignee_id"] = None
        r["transfer_count"] += 1
        self.transition("transfer", "assigned", at, actor, **extra)

    def reclassify(
        self,
        at: dt.datetime,
        actor: Actor,
        service_code: str,
        previous_code: str,
        fields: dict[str, Any],
        spec: CalendarSpec,
        policy: PolicyInfo,
    ) -> None:
        """The new service's snapshot from received_at, re-extended by the waits already served."""
        self._before(at)
        r = self.row
        r.update(fields)
        self.spec, self.policy = spec, policy
        for start, end in self.pauses:
            unit = r["sla_resolution_unit"]
            r["resolution_due_at"] = clock.extend_for_pause(
                spec, r["resolution_due_at"], start, end, unit
            )
            r["warn_at"] = clock.truncate_to_second(
                clock.extend_for_pause(spec, r["warn_at"], start, end, unit)
            )
            if r["first_response_due_at"] is not None and r["first_response_at"] is None:
                r["first_response_due_at"] = clock.extend_for_pause(
                    spec, r["first_response_due_at"], start, end, r["sla_first_response_unit"]
                )
        # As cases.services.workflow: {"action", "from": <status>, "from_service", "to_service",
        # "to": <status>}.
        self.transition(
            "reclassify", None, at, actor, from_service=previous_code, to_service=service_code
        )

    def comment_first_response(self, at: dt.datetime, actor: Actor, body: str) -> None:
        """cases.services.content.comment_add with a public comment by staff."""
        self._before(at)
        self.comments.append(Comment(at, actor, body))
        data: dict[str, Any] = {"comment": Ref("comment", len(self.comments) - 1), "public": True}
        if self.row["first_response_at"] is None:
            self.row["first_response_at"] = at
            data["first_response"] = True
        self.touch(at)
        self.record("commented", at, actor, data)

    def notified(self, at: dt.datetime, template: str, cause: int) -> None:
        self.record(
            "notified",
            at,
            SYSTEM,
            {"template": template, "event": Ref("event", cause), "recipients": 1},
        )


def _ceil_minute(t: dt.datetime) -> dt.datetime:
    floor = t.replace(second=0, microsecond=0)
    return floor if floor == t else floor + MINUTE


def _after_minute(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0) + MINUTE


def autoclose_at(deadline: dt.datetime) -> dt.datetime:
    """The hourly auto-close run that first finds the window over (now > deadline)."""
    return deadline.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def lognormal_share(rng: random.Random, median: float, sigma: float) -> float:
    return median * rng.lognormvariate(0.0, sigma)
