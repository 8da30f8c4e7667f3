"""Routing a new case (SPEC §5): the decision of `rules` applied to the case, in one transaction.

`case_route` is a no-op for a case that is no longer `new` (the task may run twice). The rule
set and the catalog rows routing reads are kept per process (`routing_reference`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from catalog.models import Area, Directorate, Service
from channels.models import Channel, Office

from ..events import SYSTEM, event_instant, event_record
from ..followups import SEND_ASSIGNMENT_NOTICE, followup_on_commit
from ..lifecycle import ROUTE, status_change
from ..models import AssignmentStrategy, Case, CaseStatus, EventKind, RoutingRule
from ..ports import CASE_ROUTED, CASE_STATUS_CHANGED, case_event_publish
from .assignment import assignee_pick
from .rules import (
    RoutingDecision,
    RoutingSubject,
    RuleSpec,
    active_rules,
    routing_decide,
    routing_subject_of,
)


@dataclass(frozen=True)
class RoutingCatalog:
    """The catalog rows routing reads, as plain data by id."""

    services: dict[int, tuple[str, int, int, int]]  # code, directorate, area, area's directorate
    channels: dict[int, str]  # code
    offices: dict[int, tuple[str, str]]  # code, state
    areas: dict[int, str]  # code
    directorates: dict[int, str]  # code


def routing_catalog_load() -> RoutingCatalog:
    return RoutingCatalog(
        services={
            pk: (code, directorate_id, area_id, area_directorate_id)
            for pk, code, directorate_id, area_id, area_directorate_id in Service.objects.values_list(
                "pk", "code", "directorate_id", "area_id", "area__directorate_id"
            )
        },
        channels=dict(Channel.objects.values_list("pk", "code")),
        offices={
            pk: (code, state)
            for pk, code, state in Office.objects.values_list("pk", "code", "state")
        },
        areas=dict(Area.objects.values_list("pk", "code")),
        directorates=dict(Directorate.objects.values_list("pk", "code")),
    )


# The rule set and the catalog change rarely and are read for every case: each process keeps
# what it built, keyed by a fingerprint of those tables read with one cheap query. Any rule,
# service, channel, office, area or directorate saved, and any rule added or deleted (the
# admin saves a rule with its conditions), changes the fingerprint; an id the cached catalog
# does not know (a row added within the same second) reloads it too.
_ROUTING_FINGERPRINT_SQL = (
    "SELECT (SELECT COUNT(*) FROM cases_routingrule), (SELECT MAX(id) FROM cases_routingrule), "
    "(SELECT MAX(updated_at) FROM cases_routingrule), (SELECT MAX(updated_at) FROM catalog_area), "
    "(SELECT MAX(updated_at) FROM catalog_service), (SELECT MAX(updated_at) FROM channels_channel), "
    "(SELECT MAX(updated_at) FROM channels_office), (SELECT MAX(updated_at) FROM catalog_directorate)"
)
_reference_cache: dict[str, Any] = {}


def routing_reference() -> tuple[list[RuleSpec], RoutingCatalog]:
    """The rule set in force and the routing catalog, rebuilt only when their tables changed."""
    with connection.cursor() as cursor:
        cursor.execute(_ROUTING_FINGERPRINT_SQL)
        fingerprint = tuple(str(value) for value in cursor.fetchone())
    if _reference_cache.get("fingerprint") != fingerprint:
        _reference_cache["specs"] = active_rules()
        _reference_cache["catalog"] = routing_catalog_load()
        _reference_cache["fingerprint"] = fingerprint
    return list(_reference_cache["specs"]), _reference_cache["catalog"]


def active_rules_forget() -> None:
    """Drop this process's routing cache (tests, whose rolled-back rows may repeat a fingerprint)."""
    _reference_cache.clear()


def routing_subject_from(case: Case, catalog: RoutingCatalog) -> RoutingSubject | None:
    """The case as routing sees it, its catalog rows from `catalog` (load the case with its
    contact); None when `catalog` lacks one of them."""
    service = catalog.services.get(case.service_id)
    channel = catalog.channels.get(case.channel_id)
    office = catalog.offices.get(case.office_id) if case.office_id is not None else None
    if service is None or channel is None or (case.office_id is not None and office is None):
        return None
    code, directorate_id, area_id, area_directorate_id = service
    return RoutingSubject(
        kind=case.kind,
        priority=case.priority,
        service_id=case.service_id,
        service_code=code,
        service_directorate_id=directorate_id,
        service_area_id=area_id,
        service_area_directorate_id=area_directorate_id,
        channel_id=case.channel_id,
        channel_code=channel,
        office_id=case.office_id,
        office_code=office[0] if office else None,
        state=office[1] if office else None,
        contact_type=case.contact.type if case.contact else None,
        text=f"{case.subject} {case.description}",
    )


def _locked_new_case(case_id: int) -> Case | None:
    """The case, its row locked, while it is still `new` (and not held for an e-mail
    confirmation); None when there is nothing to route."""
    # `get` (unlike `first`) adds no ORDER BY; the lock is on the case row only. The catalog
    # rows come from the process's routing cache, not from a six-table join.
    try:
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("contact").get(pk=case_id)
        )
    except Case.DoesNotExist:
        return None
    # A portal filing waits for its e-mail confirmation, which queues the routing again.
    routable = case.status == CaseStatus.NEW and not case.awaiting_email_confirmation
    return case if routable else None


def _subject_in_force(case: Case) -> tuple[RoutingSubject, list[RuleSpec], RoutingCatalog]:
    """The case as routing sees it, with the rule set and the catalog in force."""
    rules_in_force, catalog = routing_reference()
    subject = routing_subject_from(case, catalog)
    if subject is None:  # a catalog row newer than the cache
        active_rules_forget()
        rules_in_force, catalog = routing_reference()
        subject = routing_subject_from(case, catalog)
    if subject is None:  # still unknown: read it from the database
        subject = routing_subject_of(case)
    return subject, rules_in_force, catalog


def _destination_codes(decision: RoutingDecision, catalog: RoutingCatalog) -> tuple[str, str]:
    """(directorate, area) codes the event records: from the cached catalog (a new row
    reloaded it), else from the database."""
    area_code = catalog.areas.get(decision.area_id)
    directorate_code = catalog.directorates.get(decision.directorate_id)
    if area_code is None or directorate_code is None:
        area_code = Area.objects.values_list("code", flat=True).get(pk=decision.area_id)
        directorate_code = Directorate.objects.values_list("code", flat=True).get(
            pk=decision.directorate_id
        )
    return directorate_code, area_code


def _routed_record(
    case: Case, decision: RoutingDecision, codes: tuple[str, str], now: dt.datetime
) -> None:
    """ROUTED (and ASSIGNED when someone got the case), the e-mail to the assignee, the events
    published."""
    directorate_code, area_code = codes
    event_record(
        case,
        EventKind.ROUTED,
        SYSTEM,
        now,
        {
            "rule": decision.rule.pk if decision.rule else None,
            "rule_name": decision.rule.name if decision.rule else None,
            "reasons": decision.reasons,
            "directorate": directorate_code,
            "area": area_code,
            "from": "new",
            "to": "assigned",
        },
    )
    if case.assignee_id is not None:
        event_record(
            case,
            EventKind.ASSIGNED,
            SYSTEM,
            now,
            {
                "assignee": case.assignee.get_username() if case.assignee else None,
                "strategy": decision.strategy,
            },
        )
        followup_on_commit(SEND_ASSIGNMENT_NOTICE, case.pk)
    case_event_publish(case, [CASE_ROUTED, CASE_STATUS_CHANGED], now)


ROUTED_FIELDS = [
    "directorate", "area", "priority", "assignee", "status", "routed_at", "version", "updated_at",
]  # fmt: skip


def case_route(
    case_id: int, now: dt.datetime, rules: Sequence[RuleSpec | RoutingRule] | None = None
) -> Case | None:
    """Route a new case. Returns None when there was nothing to do (already routed)."""
    with transaction.atomic():
        case = _locked_new_case(case_id)
        if case is None:
            return None
        now = event_instant(case, now)
        subject, rules_in_force, catalog = _subject_in_force(case)
        decision = routing_decide(subject, rules if rules is not None else rules_in_force)
        if decision.strategy != AssignmentStrategy.NONE:
            # Serialise assignment per area so two routings do not pick the same turn.
            Area.objects.select_for_update().filter(pk=decision.area_id).first()
        assignee_id = assignee_pick(decision.area_id, decision.strategy)
        case.area_id = decision.area_id
        case.directorate_id = decision.directorate_id
        codes = _destination_codes(decision, catalog)
        if decision.priority is not None:
            case.priority = decision.priority
        case.assignee_id = assignee_id
        status_change(case, ROUTE)  # new → assigned, through the transitions table
        case.routed_at = now
        case.version += 1
        case.save(update_fields=ROUTED_FIELDS)
        _routed_record(case, decision, codes, now)
    return case
