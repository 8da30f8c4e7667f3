"""Reads for the agent intake page: who may register, defaults, services, SLA preview, cases.

Every rule here is a read over other apps' selectors: the case scope is
``cases.selectors.access.cases_visible_to``, the SLA preview runs the real clock through
``cases.sla.policy`` exactly as ``case_create`` will, and services come from ``catalog.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case as DbCase
from django.db.models import IntegerField, Q, QuerySet, Value, When

from accounts.models import Role
from cases.events import Actor
from cases.models import Case
from cases.models.case import OPEN_STATUSES
from cases.selectors.access import cases_visible_to
from cases.selectors.access import may_register as cases_may_register
from cases.selectors.sla_preview import (  # noqa: F401 (the intake pages' names for them)
    SlaPreview,
    due_text,
    office_timezone,
    sla_preview,
    sla_term_text,
)
from catalog.models import CaseKind, Service
from catalog.selectors import service_list
from channels.models import Channel, Office
from contacts.models import Contact

CONTACT_CASES_LIMIT = 20
# A presencial channel first: it is what a Cesi or Delegación agent registers most.
_CHANNEL_KIND_ORDER = DbCase(
    When(kind=Channel.Kind.PRESENCIAL, then=Value(0)),
    When(kind=Channel.Kind.TELEFONICO, then=Value(1)),
    When(kind=Channel.Kind.DIGITAL, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _profile(user: Any) -> Any | None:
    try:
        return user.profile
    except (AttributeError, ObjectDoesNotExist):
        return None


def may_register(user: Any) -> bool:
    """Agents, supervisors and administrators register cases; area staff work them (SPEC §9).
    The rule is `cases.selectors.access.may_register`; the office field offers only `intake_offices`."""
    return user.is_authenticated and cases_may_register(Actor(user=user))


# --- Where the user registers --------------------------------------------------------------


def intake_offices(user: Any) -> QuerySet[Office]:
    """An agent registers at their own office; supervisors and administrators at any."""
    offices = Office.objects.filter(active=True).order_by("name")
    profile = _profile(user)
    if profile is not None and profile.role == Role.AGENT:
        return offices.filter(pk=profile.office_id)
    return offices


def intake_default_office(user: Any) -> Office | None:
    profile = _profile(user)
    if profile is None or profile.office_id is None:
        return None
    return Office.objects.filter(pk=profile.office_id, active=True).first()


def intake_channels(office: Office | None) -> QuerySet[Channel]:
    """The active channels the office serves (every active channel without an office)."""
    channels = Channel.objects.filter(active=True)
    if office is not None:
        channels = channels.filter(offices=office)
    return channels.annotate(kind_rank=_CHANNEL_KIND_ORDER).order_by("kind_rank", "name")


def office_by_code(code: str | None) -> Office | None:
    if not code:
        return None
    return Office.objects.select_related("calendar").filter(code=code, active=True).first()


def channel_by_code(code: str | None) -> Channel | None:
    if not code:
        return None
    return Channel.objects.filter(code=code, active=True).first()


# --- Services --------------------------------------------------------------------------------


def intake_services(channel: Channel | None, query: str = "") -> QuerySet[Service]:
    """Active services registrable on `channel`, by name, optionally matching `query`."""
    if channel is None:
        return Service.objects.none()
    # Only what the picker prints: no SLA policies or channel links.
    services = service_list(channel=channel).select_related(None).prefetch_related(None)
    services = services.only("code", "name")
    for word in query.split():
        services = services.filter(Q(name__icontains=word) | Q(code__icontains=word))
    return services.order_by("name")


def service_by_code(code: str | None) -> Service | None:
    if not code:
        return None
    return (
        Service.objects.select_related("sla_policy", "directorate", "area")
        .filter(code=code, active=True)
        .first()
    )


def service_offered_on(service: Service, channel: Channel) -> bool:
    return service.channel_links.filter(channel=channel, active=True).exists()


def allows_anonymous(service: Service | None) -> bool:
    return service is not None and service.kind == CaseKind.REPORT


# --- The contact's cases ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContactCases:
    open: list[Case]
    past: list[Case]

    def open_for_service(self, service: Service | None) -> list[Case]:
        if service is None:
            return []
        return [case for case in self.open if case.service_id == service.pk]


def contact_cases_for(actor: Actor, contact: Contact) -> ContactCases:
    """The contact's latest cases that `actor` may see, split into open and past."""
    cases = list(
        cases_visible_to(actor)
        .filter(contact=contact)
        .select_related("service", "office")
        .order_by("-received_at", "-pk")[:CONTACT_CASES_LIMIT]
    )
    return ContactCases(
        open=[case for case in cases if case.status in OPEN_STATUSES],
        past=[case for case in cases if case.status not in OPEN_STATUSES],
    )


def created_case_for(actor: Actor, folio: str) -> Case | None:
    """A case the actor may see, or registered themselves (its acknowledgement stays theirs)."""
    user = actor.user
    mine = Q(created_by_user=user) if user is not None else Q(pk__in=[])
    visible = cases_visible_to(actor).filter(folio=folio)
    return (
        Case.objects.filter(Q(pk__in=visible.values("pk")) | (mine & Q(folio=folio)))
        .select_related("service", "channel", "office", "sla_calendar")
        .first()
    )
