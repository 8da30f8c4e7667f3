"""The dimensions indicators are grouped and filtered by, and who may see which slice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from cases.events import Actor
from catalog.models import Area, CaseKind, Directorate, Service
from channels.models import Channel, Office
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from .facts import Dims

# Group name → column in facts, spells and rollups (and attribute of facts.Dims).
DIMENSION_FIELDS = {
    "channel": "channel_id",
    "directorate": "directorate_id",
    "area": "area_id",
    "office": "office_id",
    "service": "service_id",
    "kind": "kind",
    "day": "date",
}
CODED: dict[str, Any] = {
    "channel": Channel,
    "directorate": Directorate,
    "area": Area,
    "office": Office,
    "service": Service,
}


@dataclass(frozen=True)
class IndicatorFilters:
    """Allowed values per dimension; None means any. An empty set admits nothing."""

    channel: frozenset[int] | None = None
    directorate: frozenset[int] | None = None
    area: frozenset[int] | None = None
    office: frozenset[int] | None = None
    service: frozenset[int] | None = None
    kind: frozenset[str] | None = None

    def dimensions(self) -> set[str]:
        return {f.name for f in fields(self) if getattr(self, f.name) is not None}

    def merged(self, other: IndicatorFilters) -> IndicatorFilters:
        values: dict[str, Any] = {}
        for name in self.dimensions() | other.dimensions():
            mine, theirs = getattr(self, name), getattr(other, name)
            values[name] = theirs if mine is None else mine if theirs is None else mine & theirs
        return replace(self, **values)

    def apply(self, queryset: QuerySet) -> QuerySet:
        for name in self.dimensions():
            queryset = queryset.filter(
                **{f"{DIMENSION_FIELDS[name]}__in": sorted(getattr(self, name))}
            )
        return queryset

    def admits(self, dims: Dims) -> bool:
        return all(
            getattr(dims, DIMENSION_FIELDS[name]) in getattr(self, name)
            for name in self.dimensions()
        )


def _ids(name: str, codes: Iterable[str], errors: list[FieldError]) -> frozenset[int] | None:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return None
    found = dict(CODED[name].objects.filter(code__in=wanted).values_list("code", "pk"))
    for code in wanted:
        if code not in found:
            errors.append(
                FieldError(
                    name, "does_not_exist", _("No existe la clave «%(code)s».") % {"code": code}
                )
            )
    return frozenset(found.values())


def indicator_filters(
    *,
    channel: Iterable[str] = (),
    directorate: Iterable[str] = (),
    area: Iterable[str] = (),
    office: Iterable[str] = (),
    service: Iterable[str] = (),
    kind: Iterable[str] = (),
) -> IndicatorFilters:
    """Filters from codes; an unknown code is a validation error (400), never an empty answer."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        name: _ids(name, codes, errors)
        for name, codes in (
            ("channel", channel),
            ("directorate", directorate),
            ("area", area),
            ("office", office),
            ("service", service),
        )
    }
    kinds = sorted({k for k in kind if k})
    for value in kinds:
        if value not in CaseKind.values:
            errors.append(
                FieldError(
                    "kind",
                    "invalid_choice",
                    _("Tipo de caso desconocido «%(kind)s».") % {"kind": value},
                )
            )
    values["kind"] = frozenset(kinds) if kinds else None
    if errors:
        raise ValidationFailed(_("Revise los filtros de la consulta."), errors=errors)
    return IndicatorFilters(**values)


def _only(pk: int | None) -> frozenset[int]:
    return frozenset() if pk is None else frozenset({pk})


def indicator_scope_for(actor: Actor) -> IndicatorFilters | None:
    """The slice of the indicators a person may read (SPEC §9, applied at the counted event)."""
    if actor.client is not None:
        return IndicatorFilters()
    user = actor.user
    if user is None or not user.is_active:
        return None
    if user.is_superuser:
        return IndicatorFilters()
    try:
        profile = user.profile
    except (AttributeError, ObjectDoesNotExist):
        return None
    if profile.role == Role.ADMIN:
        return IndicatorFilters()
    if profile.role == Role.AGENT:
        return IndicatorFilters(office=_only(profile.office_id))
    if profile.role == Role.AREA_STAFF:
        return IndicatorFilters(area=_only(profile.area_id))
    if profile.role == Role.SUPERVISOR:
        scope = profile.supervisor_scope
        if scope == SupervisorScope.NATIONAL:
            return IndicatorFilters()
        if scope == SupervisorScope.OFFICE:
            return IndicatorFilters(office=_only(profile.office_id))
        if scope == SupervisorScope.DELEGACION:
            offices = Office.objects.filter(
                Q(pk=profile.office_id) | Q(parent_id=profile.office_id)
            )
            return IndicatorFilters(office=frozenset(offices.values_list("pk", flat=True)))
        if scope == SupervisorScope.DIRECTORATE:
            return IndicatorFilters(directorate=_only(profile.directorate_id))
    return None


def code_maps() -> dict[str, dict[int, str]]:
    """id → code for every coded dimension (small catalog tables)."""
    return {name: dict(model.objects.values_list("pk", "code")) for name, model in CODED.items()}
