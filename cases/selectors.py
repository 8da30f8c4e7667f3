"""Reads of cases, and THE one place that decides which cases someone may see (SPEC §9),
what each role may do on them (:data:`ROLE_ACTIONS`, :func:`may_act`), who sees identifiers
unmasked and who may backdate an intake.

Every read of a case by a person or a system goes through :func:`cases_visible_to`:

* API client: every case with ``cases:read_all``; otherwise only the cases it created.
* agent: cases of their own office, and cases assigned to them.
* area staff: cases whose *current* area is theirs.
* supervisor, by scope: ``office`` that office; ``delegacion`` the delegación and its Cesi;
  ``directorate`` cases whose current directorate is theirs; ``national`` every case.
* administrator (and a Django superuser): every case.
* a user without a profile, or the system actor: none.

A case outside that set is "not found" (:class:`NotFound`, 404): its existence is never
revealed. The querysets load what the case JSON reads, so a list page and a detail cost a
constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from catalog.models import Area, Directorate, Service
from channels.models import Channel, Office
from contacts.models import Contact
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import FieldError, NotFound, ValidationFailed

from .events import Actor
from .models import Attachment, Case, CaseEvent, Comment
from .sla.filters import sla_state_q

# Relations the case JSON prints (cases.representation), e.g. for pages that show their names.
CASE_OUTPUT_RELATIONS = (
    "service",
    "channel",
    "office",
    "directorate",
    "area",
    "assignee",
    "contact",
    "sla_calendar",
)
# How they are loaded: the per-case rows are joined. The case JSON takes the catalog codes
# from the process's catalog snapshot (cases.catalog_cache); pages that print more of a catalog
# row prefetch the small tables, one short query each. Joining all nine tables made PostgreSQL
# spend ~25 ms *planning* every list and detail query, and kept it from using the contact
# indexes when filtering by NSS.
CASE_OUTPUT_JOINED = ("assignee", "contact")
CASE_OUTPUT_PREFETCHED = tuple(r for r in CASE_OUTPUT_RELATIONS if r not in CASE_OUTPUT_JOINED)


def with_case_output_relations(cases: QuerySet[Case], *, catalog: bool = True) -> QuerySet[Case]:
    """`cases` with their contact and assignee joined and, with `catalog`, their catalog rows
    prefetched: a fixed number of queries. The case JSON alone needs no `catalog`."""
    cases = cases.select_related(*CASE_OUTPUT_JOINED)
    return cases.prefetch_related(*CASE_OUTPUT_PREFETCHED) if catalog else cases


# Folios look like ATN-2026-00001234 (cases.folios); `q` matching this is looked up exactly.
FOLIO_PATTERN = re.compile(r"^[A-Z0-9]+-\d{4}-\d{1,12}$")


# --- Who may see what ------------------------------------------------------------------------


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


# --- One case ---------------------------------------------------------------------------------


def _not_found(folio: str) -> NotFound:
    return NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})


def case_output_queryset() -> QuerySet[Case]:
    """Cases loading what the case JSON (cases.representation) reads."""
    return with_case_output_relations(Case.objects.all(), catalog=False)


def case_get_for(actor: Actor, folio: str, *, catalog: bool = True) -> Case:
    """The case with this folio if `actor` may see it; otherwise NotFound (even if it exists).

    With `catalog`, its catalog rows come loaded too (see `with_case_output_relations`).
    """
    case = (
        with_case_output_relations(cases_visible_to(actor), catalog=catalog)
        .filter(folio=folio)
        .first()
    )
    if case is None:
        raise _not_found(folio)
    return case


def case_get_by_pk(pk: int) -> Case:
    """A case by id with its printed relations, *without* a scope check.

    Only for answering an action the caller was allowed to take on it (a transfer may move the
    case out of the actor's sight, but the answer still shows the result).
    """
    return case_output_queryset().get(pk=pk)


def case_events_for(actor: Actor, folio: str) -> list[CaseEvent]:
    """The timeline of a visible case, oldest first."""
    case = case_get_for(actor, folio)
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor_user", "actor_client")
        .order_by("at", "id")
    )


def case_comments_for(actor: Actor, folio: str) -> list[Comment]:
    """Comments (internal and public) of a visible case, oldest first."""
    case = case_get_for(actor, folio)
    return list(
        Comment.objects.filter(case=case)
        .select_related("author_user", "author_client")
        .order_by("created_at", "id")
    )


def case_attachments_for(actor: Actor, folio: str) -> tuple[Case, list[Attachment]]:
    """A visible case and its attachments, oldest first."""
    case = case_get_for(actor, folio)
    return case, list(Attachment.objects.filter(case=case).order_by("created_at", "id"))


def attachment_get_for(actor: Actor, folio: str, attachment_id: int) -> Attachment:
    """One attachment of a visible case; NotFound when either is missing or out of scope."""
    case = case_get_for(actor, folio)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("El caso %(folio)s no tiene ese adjunto.") % {"folio": folio})
    attachment.case = case
    return attachment


# --- Lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    """What `GET /api/v1/cases/` filters on; lists mean "any of" (SPEC §8).

    Codes are catalog codes; `assignee` are usernames; `received_after` is inclusive and
    `received_before` exclusive (the API turns a date into the following midnight).
    """

    status: Sequence[str] = ()
    kind: Sequence[str] = ()
    service: Sequence[str] = ()
    channel: Sequence[str] = ()
    office: Sequence[str] = ()
    directorate: Sequence[str] = ()
    area: Sequence[str] = ()
    assignee: Sequence[str] = ()
    sla_state: Sequence[str] = ()
    received_after: dt.datetime | None = None
    received_before: dt.datetime | None = None
    nss: Sequence[str] = ()
    curp: Sequence[str] = ()
    external_reference: Sequence[str] = ()
    q: str = ""
    unassigned: bool = False  # only cases nobody holds (the browser's "sin asignar" queue)


# filter name → (model, attribute of Case holding its id)
_CODE_FILTERS: dict[str, tuple[Any, str]] = {
    "service": (Service, "service_id"),
    "channel": (Channel, "channel_id"),
    "office": (Office, "office_id"),
    "directorate": (Directorate, "directorate_id"),
    "area": (Area, "area_id"),
}


def _ids_for_codes(name: str, model: Any, codes: Sequence[str]) -> list[int]:
    """The ids of these catalog codes; an unknown code is a 400 on that filter."""
    found = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(
            _("Revise los filtros."),
            errors=[
                FieldError(
                    name,
                    "does_not_exist",
                    _("No existe la clave «%(code)s».") % {"code": ", ".join(unknown)},
                )
            ],
        )
    return [found[code] for code in codes]


def _text_q(q: str) -> Q:
    """`q`: a folio looked up exactly (unique index); any other text in subject/description."""
    text = q.strip()
    if FOLIO_PATTERN.fullmatch(text.upper()):
        return Q(folio=text.upper())
    return Q(subject__icontains=text) | Q(description__icontains=text)


def case_list_for(
    actor: Actor,
    filters: CaseFilters,
    now: dt.datetime,
    *,
    ordering: Sequence[str] = (),
    catalog: bool = True,
) -> QuerySet[Case]:
    """The visible cases matching `filters`, with their printed relations, in `ordering`.

    Never counted: the API pages through it with a keyset cursor. `catalog`: see
    `with_case_output_relations`.
    """
    cases = cases_visible_to(actor)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.kind:
        cases = cases.filter(kind__in=filters.kind)
    for name, (model, attribute) in _CODE_FILTERS.items():
        codes = getattr(filters, name)
        if codes:
            cases = cases.filter(**{f"{attribute}__in": _ids_for_codes(name, model, codes)})
    if filters.assignee:
        cases = cases.filter(assignee__username__in=filters.assignee)
    if filters.unassigned:
        cases = cases.filter(assignee__isnull=True)
    if filters.sla_state:
        cases = cases.filter(sla_state_q(filters.sla_state, now, filters.status or None))
    if filters.received_after is not None:
        cases = cases.filter(received_at__gte=filters.received_after)
    if filters.received_before is not None:
        cases = cases.filter(received_at__lt=filters.received_before)
    # The contacts first (unique indexes), then their cases by `case_contact_status_idx`: as a
    # subquery the planner joined it last, after scanning every case.
    if filters.nss:
        ids = list(Contact.objects.filter(nss__in=filters.nss).values_list("pk", flat=True))
        cases = cases.filter(contact_id__in=ids)
    if filters.curp:
        ids = list(Contact.objects.filter(curp__in=filters.curp).values_list("pk", flat=True))
        cases = cases.filter(contact_id__in=ids)
    if filters.external_reference:
        cases = cases.filter(external_reference__in=filters.external_reference)
    if filters.q.strip():
        cases = cases.filter(_text_q(filters.q))
    cases = with_case_output_relations(cases, catalog=catalog)
    return cases.order_by(*ordering) if ordering else cases


def case_public_lookup(folio: str, code: str) -> Case:
    """The citizen's look-up by folio and tracking code (SPEC §8), compared without regard to case.

    A wrong folio and a wrong code answer the same 404, so neither can be probed separately.
    """
    case = Case.objects.select_related("service").filter(folio=folio.strip().upper()).first()
    expected = case.tracking_code.upper() if case is not None else "-" * 10
    if not hmac.compare_digest(expected.encode(), code.strip().upper().encode()) or case is None:
        raise NotFound(_("No encontramos un caso con ese folio y código de seguimiento."))
    return case


def case_public_comments(case: Case) -> list[Comment]:
    return list(case.comments.filter(public=True).order_by("created_at", "id"))
