"""What routing decides (SPEC §5): the first active rule that matches a case says where it goes.

`routing_decide` is pure over already-loaded rules (`RuleSpec`, plain data built from saved
rules or from a candidate file, `rule_files`) and a `RoutingSubject`, so the dry run
(`dry_run`) and the real routing (`engine.case_route`) share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from catalog.models import Area

from ..models import AssignmentStrategy, Case, RoutingRule
from ..models.case import PRIORITY_NAMES


@dataclass(frozen=True)
class RuleSpec:
    """A routing rule as plain data — what `rule_match` reads.

    Built from saved rules (`rule_specs_from`) or from a candidate rule file that was never
    saved (`dry_run`), so the real routing and the dry run decide with the same code.
    Catalog conditions hold ids; `pk` is None for a rule that exists only in a file.
    """

    name: str
    order: int
    pk: int | None = None
    kinds: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    contact_types: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    service_ids: frozenset[int] = frozenset()
    channel_ids: frozenset[int] = frozenset()
    office_ids: frozenset[int] = frozenset()
    directorate_id: int | None = None
    area_id: int | None = None
    area_directorate_id: int | None = None  # the directorate of `area_id`
    # For a rule naming only a directorate: its first active area (by code), used when the
    # service's own area belongs to another directorate.
    fallback_area_id: int | None = None
    set_priority: int | None = None
    assignment_strategy: str = AssignmentStrategy.NONE


@dataclass(frozen=True)
class RoutingSubject:
    """What routing looks at in a case. The dry run builds it from the case as it was at intake."""

    kind: str
    priority: int
    service_id: int
    service_code: str
    service_directorate_id: int
    service_area_id: int
    service_area_directorate_id: int
    channel_id: int
    channel_code: str
    office_id: int | None
    office_code: str | None
    state: str | None
    contact_type: str | None
    text: str  # subject and description, for keywords


@dataclass(frozen=True)
class RoutingDecision:
    directorate_id: int
    area_id: int
    priority: int | None = None
    strategy: str = AssignmentStrategy.NONE
    rule: RuleSpec | None = None
    reasons: list[str] = field(default_factory=list)


def first_active_areas() -> dict[int, int]:
    """Directorate id → id of its first active area by code (one query; the table is small)."""
    first: dict[int, int] = {}
    for directorate_id, area_id in (
        Area.objects.filter(active=True)
        .order_by("directorate_id", "code")
        .values_list("directorate_id", "pk")
    ):
        first.setdefault(directorate_id, area_id)
    return first


def rule_specs_from(rules: Iterable[RoutingRule]) -> list[RuleSpec]:
    """Saved rules as specs, in evaluation order. Pass a queryset to load it in a few queries."""
    if isinstance(rules, QuerySet):
        rules = rules.select_related("area").prefetch_related("services", "channels", "offices")
    rules = list(rules)
    needs_fallback = any(rule.directorate_id and not rule.area_id for rule in rules)
    fallback = first_active_areas() if needs_fallback else {}
    specs = [
        RuleSpec(
            name=rule.name,
            order=rule.order,
            pk=rule.pk,
            kinds=frozenset(rule.kinds),
            priorities=frozenset(rule.priorities),
            states=frozenset(rule.states),
            contact_types=frozenset(rule.contact_types),
            keywords=tuple(str(k) for k in rule.keywords),
            service_ids=frozenset(s.pk for s in rule.services.all()),
            channel_ids=frozenset(c.pk for c in rule.channels.all()),
            office_ids=frozenset(o.pk for o in rule.offices.all()),
            directorate_id=rule.directorate_id,
            area_id=rule.area_id,
            area_directorate_id=rule.area.directorate_id if rule.area else None,
            fallback_area_id=fallback.get(rule.directorate_id) if rule.directorate_id else None,
            set_priority=rule.set_priority,
            assignment_strategy=rule.assignment_strategy,
        )
        for rule in rules
    ]
    return sorted(specs, key=lambda spec: (spec.order, spec.pk or 0))


def active_rules() -> list[RuleSpec]:
    """The rule set in force: active rules by order."""
    return rule_specs_from(RoutingRule.objects.filter(active=True).order_by("order", "id"))


def routing_subject_of(case: Case) -> RoutingSubject:
    """The case as it stands (load it with `service__area`, `channel`, `office`, `contact`)."""
    return RoutingSubject(
        kind=case.kind,
        priority=case.priority,
        service_id=case.service_id,
        service_code=case.service.code,
        service_directorate_id=case.service.directorate_id,
        service_area_id=case.service.area_id,
        service_area_directorate_id=case.service.area.directorate_id,
        channel_id=case.channel_id,
        channel_code=case.channel.code,
        office_id=case.office_id,
        office_code=case.office.code if case.office else None,
        state=case.office.state if case.office else None,
        contact_type=case.contact.type if case.contact else None,
        text=f"{case.subject} {case.description}",
    )


def _subject(case: Case | RoutingSubject) -> RoutingSubject:
    return case if isinstance(case, RoutingSubject) else routing_subject_of(case)


def _specs(rules: Sequence[RuleSpec | RoutingRule]) -> list[RuleSpec]:
    """Accept saved rules too (converted, keeping the caller's order)."""
    saved = [rule for rule in rules if isinstance(rule, RoutingRule)]
    by_pk = {spec.pk: spec for spec in rule_specs_from(saved)} if saved else {}
    return [rule if isinstance(rule, RuleSpec) else by_pk[rule.pk] for rule in rules]


def rule_match(rule: RuleSpec, case: Case | RoutingSubject) -> list[str] | None:
    """The reasons a rule matches the case, or None. Empty conditions match anything."""
    subject = _subject(case)
    reasons: list[str] = []
    checks = [
        ("kinds", rule.kinds, subject.kind),
        ("priorities", rule.priorities, PRIORITY_NAMES[subject.priority]),
        ("states", rule.states, subject.state),
        ("contact_types", rule.contact_types, subject.contact_type),
    ]
    for name, wanted, actual in checks:
        if wanted:
            if actual not in wanted:
                return None
            reasons.append(f"{name}={actual}")
    relations = [
        ("services", rule.service_ids, subject.service_id, subject.service_code),
        ("channels", rule.channel_ids, subject.channel_id, subject.channel_code),
        ("offices", rule.office_ids, subject.office_id, subject.office_code),
    ]
    for name, wanted_ids, actual_id, actual_code in relations:
        if wanted_ids:
            if actual_id not in wanted_ids:
                return None
            reasons.append(f"{name}={actual_code}")
    if rule.keywords:
        text = subject.text.casefold()
        found = [k for k in rule.keywords if k.casefold() in text]
        if not found:
            return None
        reasons.append("keywords=" + ",".join(found))
    return reasons


def routing_decide(
    case: Case | RoutingSubject, rules: Sequence[RuleSpec | RoutingRule]
) -> RoutingDecision:
    """First matching rule wins; no match → the service's owning directorate and default area.

    Pure over already-loaded rules and a subject: no query when given specs and a subject.
    """
    subject = _subject(case)
    for rule in _specs(rules):
        reasons = rule_match(rule, subject)
        if reasons is None:
            continue
        area_id, directorate_id = rule.area_id, rule.area_directorate_id
        if area_id is None and rule.directorate_id is not None:
            # A rule naming only a directorate keeps the service's area when it belongs to it.
            if subject.service_area_directorate_id == rule.directorate_id:
                area_id, directorate_id = (
                    subject.service_area_id,
                    subject.service_area_directorate_id,
                )
            elif rule.fallback_area_id is not None:
                area_id, directorate_id = rule.fallback_area_id, rule.directorate_id
        if area_id is None or directorate_id is None:
            area_id, directorate_id = subject.service_area_id, subject.service_area_directorate_id
        return RoutingDecision(
            directorate_id=directorate_id,
            area_id=area_id,
            priority=rule.set_priority,
            strategy=rule.assignment_strategy,
            rule=rule,
            reasons=reasons or ["sin condiciones"],
        )
    return RoutingDecision(
        directorate_id=subject.service_directorate_id,
        area_id=subject.service_area_id,
        reasons=["responsable del servicio"],
    )
