"""What happens to each case: intake, routing, work, waits, transfers, resolution, reopening,
closing, cancellation, first responses and surveys, with the shares in profiles.py."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from businesstime import clock
from cases.services.intake import TRACKING_ALPHABET
from cases.sla.policy import reopen_deadline

from . import profiles as p
from . import texts
from .arrivals import Arrival
from .catalog import PolicyInfo, ServiceInfo, Snapshot
from .simulate import GAP, SYSTEM, Actor, CaseLife, autoclose_at, lognormal_share

SURVEY_LINK_DAYS = 30


@dataclass(frozen=True)
class ContactRef:
    pk: int | None  # None: anonymous denuncia
    email: bool
    survey_consent: bool
    # The contact details each case of this person keeps (`contact_<field>` columns).
    case_fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    snap: Snapshot
    rng: random.Random
    now: dt.datetime
    service_weights: dict[int, list[float]] = field(default_factory=dict)  # channel → cumulative


def calendar_for(
    snap: Snapshot, policy: PolicyInfo, channel_kind: str, office_calendar: int | None
) -> int:
    """cases.sla.policy.sla_calendar_for."""
    if policy.calendar_id is not None:
        return policy.calendar_id
    if channel_kind == "presencial" and office_calendar is not None:
        return office_calendar
    return snap.institutional_calendar_id


def sla_fields(
    snap: Snapshot, policy: PolicyInfo, calendar_id: int, received: dt.datetime
) -> dict[str, Any]:
    """cases.sla.policy.sla_snapshot(...).as_case_fields(), as columns."""
    spec = snap.spec(calendar_id)
    first_due = None
    if policy.first_value:
        first_due = clock.due_at(spec, received, policy.first_value, policy.first_unit)
    due = clock.due_at(spec, received, policy.value, policy.unit)
    return {
        "sla_policy_id": policy.pk,
        "sla_calendar_id": calendar_id,
        "sla_first_response_value": policy.first_value,
        "sla_first_response_unit": policy.first_unit,
        "sla_resolution_value": policy.value,
        "sla_resolution_unit": policy.unit,
        "sla_warn_pct": policy.warn_pct,
        "sla_extension_value": policy.extension_value,
        "first_response_due_at": first_due,
        "resolution_due_at": due,
        "warn_at": clock.warn_at(spec, received, due, policy.unit, policy.warn_pct),
    }


def service_pick(ctx: Context, channel_id: int) -> tuple[ServiceInfo, PolicyInfo]:
    offer = ctx.snap.offer[channel_id]
    cumulative = ctx.service_weights.get(channel_id)
    if cumulative is None:
        weights = [p.KIND_WEIGHTS.get(ctx.snap.services[s].kind, 1.0) for s, _ in offer]
        cumulative = ctx.service_weights[channel_id] = list(accumulate(weights))
    service_id, policy_id = ctx.rng.choices(offer, cum_weights=cumulative)[0]
    return ctx.snap.services[service_id], ctx.snap.policies[policy_id]


class Clock:
    """Moves through a case's life in shares of its SLA term (open time for business units)."""

    def __init__(self, life: CaseLife, received: dt.datetime) -> None:
        r = life.row
        self.spec, self.business = life.spec, r["sla_resolution_unit"] not in clock.CALENDAR_UNITS
        due = r["resolution_due_at"]
        term = (
            clock.open_time_between(self.spec, received, due) if self.business else due - received
        )
        self.term = max(term, dt.timedelta(minutes=10))

    def after(self, t: dt.datetime, share: float) -> dt.datetime:
        span = self.term * max(share, 0.0)
        later = clock.add_open_time(self.spec, t, span) if self.business else t + span
        return max(later, t + GAP)


def case_live(ctx: Context, arrival: Arrival, case_id: int, contact: ContactRef) -> CaseLife:
    snap, rng, now = ctx.snap, ctx.rng, ctx.now
    channel_id, channel_kind = snap.channels[arrival.channel_code]
    service, policy = service_pick(ctx, channel_id)
    office = arrival.office
    received = arrival.received_at
    attended = channel_kind in ("presencial", "telefonico", "escrito")
    if attended:
        creator: Actor = (
            snap.office_agent.get(office.pk, snap.any_agent) if office else snap.any_agent,
            None,
        )
        created = received + dt.timedelta(seconds=rng.randrange(30, 300))
        if channel_kind == "escrito":
            created = received + dt.timedelta(hours=rng.uniform(1, 48))
        created = min(created, now - dt.timedelta(seconds=1))
    else:
        creator, created = (None, snap.channel_client[channel_id]), received
    anonymous = service.kind == "report" and rng.random() < p.P_ANONYMOUS_REPORT
    if anonymous:
        contact = ContactRef(None, False, False)
    fcr_share = p.P_FIRST_CONTACT if attended else p.P_FIRST_CONTACT_SELF_SERVICE
    fcr = service.first_contact and not anonymous and rng.random() < fcr_share
    calendar_id = calendar_for(snap, policy, channel_kind, office.calendar_id if office else None)
    row: dict[str, Any] = {
        "id": case_id,
        "tracking_code": "".join(rng.choices(TRACKING_ALPHABET, k=10)),
        "kind": service.kind,
        "service_id": service.pk,
        "channel_id": channel_id,
        "office_id": office.pk if office else None,
        "contact_id": contact.pk,
        **contact.case_fields,
        "anonymous": anonymous,
        "subject": service.name[:200],
        "description": rng.choice(
            texts.DESCRIPTIONS.get(service.kind, texts.DESCRIPTIONS["information"])
        ),
        "priority": rng.choices(
            list(p.PRIORITY_WEIGHTS), weights=list(p.PRIORITY_WEIGHTS.values())
        )[0],
        "status": "new",
        "directorate_id": None,
        "area_id": None,
        "assignee_id": None,
        "created_by_user_id": creator[0],
        "created_by_client_id": creator[1],
        "external_reference": None,
        "instrument_reference": rng.choice(texts.INSTRUMENTS) % rng.randrange(1, 9999)
        if service.kind == "exceptional"
        else "",
        "received_at": received,
        "created_at": created,
        "updated_at": created,
        "routed_at": None,
        "resolution": "",
        "resolved_at": None,
        "closed_at": None,
        "first_response_at": None,
        "paused_at": None,
        "paused_seconds": 0,
        "paused_open_seconds": 0,
        "sla_state": "on_track",
        "transfer_count": 0,
        "reopen_count": 0,
        "version": 1,
        **sla_fields(snap, policy, calendar_id, received),
    }
    life = CaseLife(row, snap.spec(calendar_id), policy)
    if fcr:
        row.update(status="resolved", directorate_id=service.directorate_id, area_id=service.area_id,
                   resolution=rng.choice(texts.RESOLUTIONS), resolved_at=created, first_response_at=created)  # fmt: skip
    row["sla_state"] = life.state_at(created)
    created_event = life.record("created", created, creator,
                                {"channel": arrival.channel_code, "service": service.code, "first_contact_resolution": fcr})  # fmt: skip
    if fcr:
        life.record(
            "status_changed",
            created,
            creator,
            {"action": "resolve", "from": "new", "to": "resolved"},
        )
    if contact.email and created + dt.timedelta(seconds=3) < now:
        life.notified(
            created + dt.timedelta(seconds=rng.randint(1, 3)), "acknowledgement", created_event
        )
    if fcr:
        _after_resolution(ctx, life, contact, creator)
    else:
        _work(ctx, life, service, contact, created + dt.timedelta(seconds=rng.randint(5, 40)))
    life.monitor_until(now)
    return life


def _members(snap: Snapshot, area_id: int) -> list[int]:
    return snap.area_members.get(area_id) or [snap.any_agent]


def _work(
    ctx: Context, life: CaseLife, service: ServiceInfo, contact: ContactRef, routed_at: dt.datetime
) -> None:
    snap, rng, now = ctx.snap, ctx.rng, ctx.now
    r = life.row
    if routed_at >= now:
        return
    life.monitor_until(routed_at - dt.timedelta(microseconds=1))
    r.update(
        status="assigned",
        directorate_id=service.directorate_id,
        area_id=service.area_id,
        routed_at=routed_at,
    )
    life.touch(routed_at)
    life.record("routed", routed_at, SYSTEM, {
        "rule": None, "rule_name": None, "reasons": ["responsable del servicio"],
        "directorate": snap.directorate_codes[service.directorate_id], "area": snap.area_codes.get(service.area_id),
        "from": "new", "to": "assigned",
    })  # fmt: skip
    steps = Clock(life, r["received_at"])
    t = routed_at
    target = lognormal_share(rng, p.RESOLUTION_MEDIAN, p.RESOLUTION_SIGMA)
    used = 0.0

    def next_at(share: float) -> dt.datetime:
        nonlocal used
        used += share
        return steps.after(t, share)

    if not r["anonymous"] and rng.random() < p.P_RECLASSIFY:
        t = next_at(rng.uniform(0.005, 0.03))
        if t >= now:
            return
        _reclassify(ctx, life, t)  # no other service on the channel: nothing happens
    worker = rng.choice(_members(snap, r["area_id"]))
    t = next_at(rng.uniform(0.01, 0.1))
    if t >= now:
        return
    life.take(t, worker)
    if rng.random() < p.P_CANCEL:
        t = next_at(rng.uniform(0.05, 0.4))
        if t < now:
            life.cancel(t, (worker, None), rng.choice(texts.CANCEL_REASONS))
        return
    if rng.random() < p.P_TRANSFER:
        t = next_at(rng.uniform(0.03, 0.25))
        if t >= now:
            return
        areas = [a for a in snap.area_members if a != r["area_id"]]
        life.transfer(
            t, (worker, None), rng.choice(texts.TRANSFER_REASONS), rng.choice(areas), snap
        )
        worker = rng.choice(_members(snap, r["area_id"]))
        t = next_at(rng.uniform(0.01, 0.1))
        if t >= now:
            return
        life.take(t, worker)
    if r["first_response_due_at"] is not None and rng.random() < p.P_FIRST_RESPONSE_COMMENT:
        t = next_at(rng.uniform(0.01, 0.1))
        if t >= now:
            return
        life.comment_first_response(t, (worker, None), rng.choice(texts.FIRST_RESPONSES))
    if rng.random() < p.P_PAUSE:
        t = next_at(rng.uniform(0.05, 0.3))
        if t >= now:
            return
        life.pause(t, (worker, None), rng.choice(texts.PAUSE_REASONS))
        t = steps.after(t, rng.uniform(0.05, 0.8))  # waiting does not use the term
        if t >= now:
            return
        life.resume(t, (worker, None))
    t = next_at(max(target - used, rng.uniform(0.02, 0.1)))
    if t >= now:
        return
    resolved_event = life.resolve(t, (worker, None), rng.choice(texts.RESOLUTIONS))
    _resolution_notice(ctx, life, contact, t, resolved_event)
    if rng.random() < p.P_REOPEN:
        deadline = reopen_deadline(life.spec, t)
        reopen = t + (deadline - t) * rng.uniform(0.1, 0.9)
        reopen = max(reopen, t + GAP)
        if reopen >= now or reopen > deadline:
            _after_resolution(ctx, life, contact, (worker, None))
            return
        life.reopen(reopen, (worker, None), rng.choice(texts.REOPEN_REASONS))
        t = steps.after(reopen, rng.uniform(0.05, 0.3))
        if t >= now:
            return
        resolved_event = life.resolve(t, (worker, None), rng.choice(texts.RESOLUTIONS))
        _resolution_notice(ctx, life, contact, t, resolved_event)
    _after_resolution(ctx, life, contact, (worker, None))


def _resolution_notice(
    ctx: Context, life: CaseLife, contact: ContactRef, at: dt.datetime, cause: int
) -> None:
    notice = at + dt.timedelta(seconds=ctx.rng.randint(1, 3))
    if contact.email and notice < ctx.now:
        life.notified(notice, "resolution", cause)


def _reclassify(ctx: Context, life: CaseLife, at: dt.datetime) -> None:
    snap, r = ctx.snap, life.row
    choices = [(s, pol) for s, pol in snap.offer[r["channel_id"]]
               if s != r["service_id"] and snap.services[s].kind not in ("exceptional", "report")]  # fmt: skip
    if not choices:
        return
    service_id, policy_id = ctx.rng.choice(choices)
    service, policy = snap.services[service_id], snap.policies[policy_id]
    channel_kind = next(kind for pk, kind in snap.channels.values() if pk == r["channel_id"])
    office_calendar = None
    if r["office_id"] is not None:
        office_calendar = next(
            o.calendar_id
            for offices in snap.offices_by_channel.values()
            for o in offices
            if o.pk == r["office_id"]
        )
    calendar_id = calendar_for(snap, policy, channel_kind, office_calendar)
    previous = snap.services[r["service_id"]].code
    fields = {
        "service_id": service.pk,
        "kind": service.kind,
        **sla_fields(snap, policy, calendar_id, r["received_at"]),
    }
    life.reclassify(at, (ctx.rng.choice(_members(snap, r["area_id"])), None), service.code, previous, fields,
                    snap.spec(calendar_id), policy)  # fmt: skip


def _after_resolution(ctx: Context, life: CaseLife, contact: ContactRef, actor: Actor) -> None:
    """Auto-close after the reopen window, and maybe the citizen's survey answer."""
    rng, now, r = ctx.rng, ctx.now, life.row
    resolved_at = r["resolved_at"]
    close_at = autoclose_at(reopen_deadline(life.spec, resolved_at))
    answer_at = None
    if contact.email and contact.survey_consent and rng.random() < p.P_SURVEY:
        answer_at = resolved_at + dt.timedelta(
            hours=min(rng.lognormvariate(2.9, 1.0), SURVEY_LINK_DAYS * 24 - 1)
        )
        if answer_at >= now:
            answer_at = None
    if answer_at is not None and answer_at < close_at:
        _survey(ctx, life, answer_at)
        answer_at = None
    if close_at < now:
        life.close(close_at, SYSTEM)
    if answer_at is not None:
        _survey(ctx, life, answer_at)


def _survey(ctx: Context, life: CaseLife, at: dt.datetime) -> None:
    """surveys.services.survey_answer: the answer row and one SURVEY_ANSWERED event."""
    rng = ctx.rng
    met = life.row["sla_state"] == "met"
    csat = rng.choices(
        (1, 2, 3, 4, 5), weights=p.CSAT_WEIGHTS_MET if met else p.CSAT_WEIGHTS_BREACHED
    )[0]
    nps = min(10, max(0, round(csat * 2 + rng.gauss(0, 1.5))))
    comment = rng.choice(
        ("", "", "Gracias por la atención.", "Tardaron mucho en responder.", "Muy buen servicio.")
    )
    life.survey = (csat, nps, comment, at)
    life.record("survey_answered", at, SYSTEM, {"csat": csat, "nps": nps})
