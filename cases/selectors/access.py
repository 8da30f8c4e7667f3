"""THE one place that decides which cases someone may see (SPEC §9), what each role may do on
them (:data:`ROLE_ACTIONS`, :func:`may_act`), who sees identifiers unmasked and who may backdate
an intake.

Every read of a case by a person or a system goes through :func:`cases_visible_to`:

* API client: every case with ``cases:read_all``; otherwise only the cases it created.
* agent: cases of their own office, and cases assigned to them.
* area staff: cases whose *current* area is theirs.
* supervisor, by scope: ``office`` that office; ``delegacion`` the delegación and its Cesi;
  ``directorate`` cases whose current directorate is theirs; ``national`` every case.
* administrator (and a Django superuser): every case.
* a user without a profile, or the system actor: none.

A case outside that set is "not found" (:class:`~infonavit_atencion.core.errors.NotFound`, 404):
its existence is never revealed (:mod:`cases.selectors.detail`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from accounts.models import Role, SupervisorScope
from channels.models import Office
from infonavit_atencion.core.api_scopes import Scope

from ..events import Actor
from ..models import Case


def _profile(user: Any) -> Any | None:
    try:
        return user.profile
    except (AttributeError, ObjectDoesNotExist):
        return None


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """Every case `actor` may see (SPEC §9). Unordered; callers order and select."""
    cases = Case.objects.all()
    client = actor.client
    if client is not None:
        if client.has_scope(Scope.CASES_READ_ALL):
            return cases
        return cases.filter(created_by_client=client)
    user = actor.user
    if user is None or not user.is_active:
        return cases.none()
    if user.is_superuser:
        return cases
    profile = _profile(user)
    if profile is None:
        return cases.none()
    if profile.role == Role.ADMIN:
        return cases
    if profile.role == Role.AGENT:
        if profile.office_id is None:
            return cases.filter(assignee=user)
        return cases.filter(Q(office_id=profile.office_id) | Q(assignee=user))
    if profile.role == Role.AREA_STAFF:
        return cases.filter(area_id=profile.area_id) if profile.area_id else cases.none()
    if profile.role == Role.SUPERVISOR:
        return _supervised(cases, profile)
    return cases.none()


def _supervised(cases: QuerySet[Case], profile: Any) -> QuerySet[Case]:
    scope = profile.supervisor_scope
    if scope == SupervisorScope.NATIONAL:
        return cases
    if scope == SupervisorScope.OFFICE and profile.office_id:
        return cases.filter(office_id=profile.office_id)
    if scope == SupervisorScope.DELEGACION and profile.office_id:
        offices = Office.objects.filter(
            Q(pk=profile.office_id) | Q(parent_id=profile.office_id)
        ).values("pk")
        return cases.filter(office_id__in=offices)
    if scope == SupervisorScope.DIRECTORATE and profile.directorate_id:
        return cases.filter(directorate_id=profile.directorate_id)
    return cases.none()


def identifiers_visible_to(actor: Actor) -> bool:
    """Whether `actor` sees contacts' NSS and CURP unmasked (SPEC §8, §9).

    API clients need ``contacts:read``; browser users must be administrators.
    """
    if actor.client is not None:
        return actor.client.has_scope(Scope.CONTACTS_READ)
    user = actor.user
    if user is None:
        return False
    if user.is_superuser:
        return True
    profile = _profile(user)
    return profile is not None and profile.role == Role.ADMIN


def contacts_writable_by(actor: Actor) -> bool:
    """Whether contact details `actor` sends with a case change the single contact base (SPEC §8).

    API clients need ``contacts:write``; a browser user registering a case is staff who has the
    person in front of them (or on the line), and every change is kept in the contact's history.
    """
    if actor.client is not None:
        return actor.client.has_scope(Scope.CONTACTS_WRITE)
    return actor.user is not None


def may_backdate(actor: Actor) -> bool:
    """Whether `actor` may register a case received more than 30 days ago (``cases:import``)."""
    if actor.client is not None:
        return actor.client.has_scope(Scope.CASES_IMPORT)
    user = actor.user
    if user is None:
        return False
    profile = _profile(user)
    return user.is_superuser or (profile is not None and profile.role == Role.ADMIN)


# Lifecycle actions (cases.services.workflow.TRANSITIONS) a staff member may take on a case
# they see, by role: agents attend and resolve but neither distribute (assign, transfer,
# reclassify) nor end (cancel, close) cases; area staff also send a case on to another area
# or service; supervisors and administrators do everything. API clients may take every action
# on the cases they see (SPEC §4), and so may the system. The case page (through
# `web.actions.role_allows`) and the API's transitions ask this table after `case_get_for`;
# the bulk page is for supervisors and administrators only.
LIFECYCLE_ACTIONS = frozenset(
    {
        "take",
        "assign",
        "pause",
        "resume",
        "resolve",
        "close",
        "reopen",
        "cancel",
        "transfer",
        "reclassify",
        "extend",
    }
)
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset({"take", "pause", "resume", "resolve", "reopen"}),
    Role.AREA_STAFF: frozenset(
        {"take", "pause", "resume", "resolve", "transfer", "reclassify", "reopen", "extend"}
    ),
    Role.SUPERVISOR: LIFECYCLE_ACTIONS,
    Role.ADMIN: LIFECYCLE_ACTIONS,
}


def may_act(actor: Actor, action: str) -> bool:
    """Whether `actor` may take lifecycle `action` on a case it sees (see ROLE_ACTIONS)."""
    user = actor.user
    if actor.client is not None or user is None:
        return True
    if user.is_superuser:
        return True
    profile = _profile(user)
    return profile is not None and action in ROLE_ACTIONS.get(profile.role, frozenset())


# Who registers cases: agents (at their own office), supervisors and administrators; area
# staff work cases but do not register them. API clients register on their own channel.
REGISTERING_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})


def may_register(actor: Actor) -> bool:
    """Whether `actor` may register cases at all."""
    user = actor.user
    if actor.client is not None:
        return True
    if user is None or not user.is_active:
        return False
    profile = _profile(user)
    return user.is_superuser or (profile is not None and profile.role in REGISTERING_ROLES)


def may_register_at(actor: Actor, office: str | None) -> bool:
    """Whether `actor` may register a case at office code `office` (None: without an office):
    an agent only at their own office."""
    if not may_register(actor):
        return False
    user = actor.user
    profile = _profile(user) if user is not None else None
    if user is None or user.is_superuser or profile is None or profile.role != Role.AGENT:
        return True
    return office is not None and Office.objects.filter(pk=profile.office_id, code=office).exists()


# Who merges duplicate contacts (issue 19): supervisors (of any scope) and administrators. A
# merge rewrites the contact of every case of the merged record, also cases outside the
# supervisor's scope, so it is kept to the people who answer for the quality of the base;
# agents and area staff find duplicates at intake and ask them. API clients do not merge.
MERGING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def may_merge_contacts(actor: Actor) -> bool:
    """Whether `actor` may search duplicate contacts and merge them."""
    user = actor.user
    if actor.client is not None or user is None or not user.is_active:
        return False
    profile = _profile(user)
    return user.is_superuser or (profile is not None and profile.role in MERGING_ROLES)
