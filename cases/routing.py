"""Routing (SPEC §5): the first active rule that matches a new case decides where it goes.

`routing_decide` is pure over already-loaded rules, so the dry run and the real routing share
it. `case_route` applies a decision to a case in one transaction and is a no-op for a case that
is no longer `new` (the task may run twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Role
from catalog.models import Area

from .events import SYSTEM, event_record
from .models import AssignmentStrategy, Case, CaseStatus, EventKind, RoutingRule
from .models.case import OPEN_STATUSES, PRIORITY_NAMES


@dataclass(frozen=True)
class RoutingDecision:
    directorate_id: int
    area_id: int
    priority: int | None = None
    strategy: str = AssignmentStrategy.NONE
    rule: RoutingRule | None = None
    reasons: list[str] = field(default_factory=list)


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(active=True)
        .select_related("directorate", "area")
        .prefetch_related("services", "channels", "offices")
        .order_by("order", "id")
    )


def rule_match(rule: RoutingRule, case: Case) -> list[str] | None:
    """The reasons a rule matches the case, or None. Empty conditions match anything."""
    reasons: list[str] = []
    checks = [
        ("kinds", rule.kinds, case.kind),
        ("priorities", rule.priorities, PRIORITY_NAMES[case.priority]),
        ("states", rule.states, case.office.state if case.office else None),
        ("contact_types", rule.contact_types, case.contact.type if case.contact else None),
    ]
    for name, wanted, actual in checks:
        if wanted:
            if actual not in wanted:
                return None
            reasons.append(f"{name}={actual}")
    relations = [
        ("services", {s.pk for s in rule.services.all()}, case.service_id, case.service.code),
        ("channels", {c.pk for c in rule.channels.all()}, case.channel_id, case.channel.code),
        ("offices", {o.pk for o in rule.offices.all()}, case.office_id, case.office.code if case.office else None),
    ]
    for name, wanted_ids, actual_id, actual_code in relations:
        if wanted_ids:
            if actual_id not in wanted_ids:
                return None
            reasons.append(f"{name}={actual_code}")
    if rule.keywords:
        text = f"{case.subject} {case.description}".casefold()
        found = [k for k in rule.keywords if str(k).casefold() in text]
        if not found:
            return None
        reasons.append("keywords=" + ",".join(found))
    return reasons


def routing_decide(case: Case, rules: list[RoutingRule]) -> RoutingDecision:
    """First matching rule wins; no match → the service's owning directorate and default area."""
    for rule in rules:
        reasons = rule_match(rule, case)
        if reasons is None:
            continue
        area = rule.area
        if area is None and rule.directorate_id is not None:
            # A rule naming only a directorate keeps the service's area when it belongs to it.
            default = case.service.area
            area = default if default.directorate_id == rule.directorate_id else (
                Area.objects.filter(directorate_id=rule.directorate_id, active=True).order_by("code").first()
            )
        if area is None:
            area = case.service.area
        return RoutingDecision(
            directorate_id=area.directorate_id,
            area_id=area.pk,
            priority=rule.set_priority,
            strategy=rule.assignment_strategy,
            rule=rule,
            reasons=reasons or ["sin condiciones"],
        )
    return RoutingDecision(
        directorate_id=case.service.directorate_id, area_id=case.service.area_id, reasons=["responsable del servicio"]
    )


def _area_members(area_id: int):  # type: ignore[no-untyped-def]
    return get_user_model().objects.filter(
        is_active=True, profile__area_id=area_id, profile__role=Role.AREA_STAFF
    ).order_by("pk")


def assignee_pick(area_id: int, strategy: str) -> int | None:
    """A member of the area per the strategy, or None (no strategy, or nobody in the area)."""
    if strategy == AssignmentStrategy.ROUND_ROBIN:
        members = list(_area_members(area_id).values_list("pk", flat=True))
        if not members:
            return None
        last = (
            Case.objects.filter(area_id=area_id, assignee__isnull=False, routed_at__isnull=False)
            .order_by("-routed_at", "-id")
            .values_list("assignee_id", flat=True)
            .first()
        )
        later = [pk for pk in members if last is not None and pk > last]
        return later[0] if later else members[0]
    if strategy == AssignmentStrategy.LEAST_LOADED:
        member = (
            _area_members(area_id)
            .annotate(load=Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATUSES)))
            .order_by("load", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        return member
    return None


def case_route(case_id: int, now: dt.datetime, rules: list[RoutingRule] | None = None) -> Case | None:
    """Route a new case. Returns None when there was nothing to do (already routed)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("service__area", "channel", "office", "contact")
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.status != CaseStatus.NEW:
            return None
        decision = routing_decide(case, rules if rules is not None else active_rules())
        if decision.strategy != AssignmentStrategy.NONE:
            # Serialise assignment per area so two routings do not pick the same turn.
            Area.objects.select_for_update().filter(pk=decision.area_id).first()
        assignee_id = assignee_pick(decision.area_id, decision.strategy)
        case.directorate_id = decision.directorate_id
        case.area_id = decision.area_id
        if decision.priority is not None:
            case.priority = decision.priority
        case.assignee_id = assignee_id
        case.status = CaseStatus.ASSIGNED
        case.routed_at = now
        case.version += 1
        case.save(update_fields=["directorate", "area", "priority", "assignee", "status", "routed_at", "version", "updated_at"])
        event_record(
            case,
            EventKind.ROUTED,
            SYSTEM,
            now,
            {
                "rule": decision.rule.pk if decision.rule else None,
                "rule_name": decision.rule.name if decision.rule else None,
                "reasons": decision.reasons,
                "directorate": case.directorate.code if case.directorate else None,
                "area": case.area.code if case.area else None,
                "from": "new",
                "to": "assigned",
            },
        )
        if assignee_id is not None:
            event_record(case, EventKind.ASSIGNED, SYSTEM, now, {"assignee": case.assignee.get_username() if case.assignee else None, "strategy": decision.strategy})
    return case
