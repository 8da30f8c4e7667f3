"""The SLA of a case (SPEC §6): which policy and calendar apply, its due instants and state.

The arithmetic is in `clock` (pure); this module picks the inputs from the catalog and applies
the results to a case. A case keeps the targets and calendar it was created with: later policy
edits never rewrite it (the snapshot fields on Case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from businesstime import clock
from businesstime.clock import CalendarSpec
from catalog.models import Service, ServiceChannel, SlaPolicy
from channels.models import BusinessCalendar, Channel, Office
from channels.selectors import calendar_spec_for

INSTITUTIONAL_CALENDAR = "INSTITUCIONAL"
# The timezone of a case without an office: the dates its citizen is told are Mexico City's.
CENTRAL_TZ = "America/Mexico_City"


def sla_policy_for(service: Service, channel: Channel) -> SlaPolicy:
    """The channel's override if it has one, else the service's policy."""
    link = (
        ServiceChannel.objects.select_related("sla_policy")
        .filter(service=service, channel=channel)
        .first()
    )
    return sla_policy_of(service, link)


def sla_policy_of(service: Service, link: ServiceChannel | None) -> SlaPolicy:
    """`sla_policy_for` over rows already loaded: the link's override, else the service's policy."""
    if link is not None and link.sla_policy is not None:
        return link.sla_policy
    return service.sla_policy


def sla_calendar_for(
    policy: SlaPolicy,
    channel: Channel,
    office: Office | None,
    *,
    institutional: BusinessCalendar | None = None,
) -> BusinessCalendar:
    """The policy's calendar; else the office's for presencial channels; else INSTITUCIONAL
    (`institutional`, when the caller has it loaded)."""
    if policy.calendar_id is not None:
        return policy.calendar  # type: ignore[return-value]
    if channel.kind == Channel.Kind.PRESENCIAL and office is not None:
        return office.calendar
    if institutional is not None:
        return institutional
    return BusinessCalendar.objects.get(code=INSTITUTIONAL_CALENDAR)


@dataclass(frozen=True)
class SlaSnapshot:
    policy: SlaPolicy
    calendar: BusinessCalendar
    first_response_value: int | None
    first_response_unit: str
    resolution_value: int
    resolution_unit: str
    warn_pct: int
    extension_value: int | None
    first_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime
    warn_at: dt.datetime

    def as_case_fields(self) -> dict[str, object]:
        return {
            "sla_policy": self.policy,
            "sla_calendar": self.calendar,
            "sla_first_response_value": self.first_response_value,
            "sla_first_response_unit": self.first_response_unit,
            "sla_resolution_value": self.resolution_value,
            "sla_resolution_unit": self.resolution_unit,
            "sla_warn_pct": self.warn_pct,
            "sla_extension_value": self.extension_value,
            "first_response_due_at": self.first_response_due_at,
            "resolution_due_at": self.resolution_due_at,
            "warn_at": self.warn_at,
        }


def sla_snapshot(
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    received_at: dt.datetime,
    *,
    spec: CalendarSpec | None = None,
) -> SlaSnapshot:
    """Targets and due instants of a case received at `received_at` (`spec`: the calendar's
    clock spec, when the caller has it)."""
    if spec is None:
        spec = calendar_spec_for(calendar.pk)
    first_due = None
    if policy.first_response_value:
        first_due = clock.due_at(
            spec, received_at, policy.first_response_value, policy.first_response_unit
        )
    resolution_due = clock.due_at(
        spec, received_at, policy.resolution_value, policy.resolution_unit
    )
    return SlaSnapshot(
        policy=policy,
        calendar=calendar,
        first_response_value=policy.first_response_value,
        first_response_unit=policy.first_response_unit,
        resolution_value=policy.resolution_value,
        resolution_unit=policy.resolution_unit,
        warn_pct=policy.warn_pct,
        extension_value=policy.extension_value,
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
        warn_at=clock.warn_at(
            spec, received_at, resolution_due, policy.resolution_unit, policy.warn_pct
        ),
    )


@dataclass(frozen=True)
class PauseExtension:
    first_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime
    warn_at: dt.datetime
    open_seconds: int


def sla_extend_for_pause(case, paused_from: dt.datetime, paused_to: dt.datetime) -> PauseExtension:  # type: ignore[no-untyped-def]
    """Push the case's due instants back by the wait, each target in its own unit (SPEC §6).

    warn_at and resolution due follow the resolution target's unit; first-response due moves
    only while no first response has been given, by its own unit.
    """
    spec = calendar_spec_for(case.sla_calendar_id)
    unit = case.sla_resolution_unit
    resolution_due = clock.extend_for_pause(
        spec, case.resolution_due_at, paused_from, paused_to, unit
    )
    warn = clock.truncate_to_second(
        clock.extend_for_pause(spec, case.warn_at, paused_from, paused_to, unit)
    )
    first_due = case.first_response_due_at
    if first_due is not None and case.first_response_at is None:
        first_due = clock.extend_for_pause(
            spec, first_due, paused_from, paused_to, case.sla_first_response_unit
        )
    open_seconds = int(clock.open_time_between(spec, paused_from, paused_to).total_seconds())
    return PauseExtension(first_due, resolution_due, warn, open_seconds)


@dataclass(frozen=True)
class TermExtension:
    resolution_due_at: dt.datetime
    warn_at: dt.datetime


def sla_extend_term(case) -> TermExtension:  # type: ignore[no-untyped-def]
    """The case's one extension (`sla_extension_value`, in the resolution's unit) counted from
    its current resolution due; the warning re-applies its share to the extension, so the case
    warns again before the new due instead of staying at risk for the whole extension."""
    assert case.sla_extension_value
    spec = calendar_spec_for(case.sla_calendar_id)
    unit = case.sla_resolution_unit
    due = clock.due_at(spec, case.resolution_due_at, case.sla_extension_value, unit)
    warn = clock.warn_at(spec, case.resolution_due_at, due, unit, case.sla_warn_pct)
    return TermExtension(due, warn)


def sla_replay(case, history: list) -> bool:  # type: ignore[no-untyped-def]
    """Re-apply to a fresh snapshot (a reclassification) what already moved the old one, in the
    order it happened: each wait served (events whose data has `paused_from`) and the term's
    extension (an SLA_EXTENDED event), kept only if the new policy allows one. True if the
    extension was kept."""
    kept = False
    for event in history:
        if "paused_from" in event.data:
            start = dt.datetime.fromisoformat(event.data["paused_from"])
            end = dt.datetime.fromisoformat(event.data["paused_to"])
            wait = sla_extend_for_pause(case, start, end)
            case.first_response_due_at = wait.first_response_due_at
            case.resolution_due_at, case.warn_at = wait.resolution_due_at, wait.warn_at
        elif event.kind == "sla_extended" and case.sla_extension_value:
            extension = sla_extend_term(case)
            case.resolution_due_at, case.warn_at = extension.resolution_due_at, extension.warn_at
            kept = True
    return kept


def sla_state_at(case, now: dt.datetime) -> str:  # type: ignore[no-untyped-def]
    """on_track, at_risk, breached, met or paused, exactly as SPEC §6 defines them."""
    if case.status == "waiting":
        return "paused"
    if case.resolved_at is not None and case.status in ("resolved", "closed"):
        return "met" if case.resolved_at <= case.resolution_due_at else "breached"
    if case.status == "cancelled":
        return case.sla_state
    if now > case.resolution_due_at:
        return "breached"
    if now >= case.warn_at:
        return "at_risk"
    return "on_track"


def reopen_deadline(spec: CalendarSpec, resolved_at: dt.datetime) -> dt.datetime:
    """The last instant a case resolved at `resolved_at` may be reopened; after it, it closes
    (SPEC §4): `settings.REOPEN_WINDOW_BUSINESS_DAYS` business days on the case's calendar."""
    return clock.add_business_days(spec, resolved_at, settings.REOPEN_WINDOW_BUSINESS_DAYS)
