"""Reads of saved views (issue 19 item 9): whose views a person sees, which areas a supervisor
may share one with, and the check of a view's stored filters.

A person sees their own views and, read-only, the views shared with their area. The filters are
a query string that `CaseFilterSet` must accept, when the view is saved and every time it is
used: the catalog may have changed since (an area closed, a service renamed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from catalog.models import Area
from infonavit_atencion.core.errors import NotFound, ValidationFailed

from ..models import SavedView
from ..models.saved_view import QUERY_MAX_LENGTH
from .access import _profile
from .filters import CaseFilterSet, case_filters_from

# How many views the navigation lists; the first ones are also counted (web.saved_views).
SAVED_VIEWS_LISTED = 20


def saved_view_query_check(query: str) -> str:
    """The filters of `query` (a query string) in a canonical order, empty values dropped;
    ValidationFailed (in Spanish) for an unknown filter or a value the FilterSet refuses."""
    params = QueryDict(query or "")
    known = CaseFilterSet.base_filters
    kept: list[tuple[str, str]] = []
    for name in sorted(params):
        values = [value for value in params.getlist(name) if value.strip()]
        if name not in known:
            raise ValidationFailed.single(
                "query", "unknown_filter", _("El filtro «%(name)s» no existe.") % {"name": name}
            )
        kept.extend((name, value) for value in values)
    form = CaseFilterSet.query_form(QueryDict(urlencode(kept)))
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = known[name].label if name in known else name
        raise ValidationFailed.single(
            "query",
            "invalid_filter",
            _("El filtro «%(label)s» no es válido: %(error)s")
            % {"label": label, "error": errors[0]},
        )
    canonical = urlencode(kept)
    if len(canonical) > QUERY_MAX_LENGTH:
        raise ValidationFailed.single("query", "too_long", _("Los filtros son demasiado largos."))
    return canonical


def saved_view_refinements(query: str) -> dict[str, Any]:
    """The CaseFilters fields `query` sets (for `web.queues.queue_filters`), checked again:
    ValidationFailed (in Spanish) when the stored filters are no longer valid."""
    form = CaseFilterSet.query_form(QueryDict(saved_view_query_check(query)))
    form.is_valid()  # just checked: valid
    filters = case_filters_from(form)
    return {name: getattr(filters, name) for name in form.cleaned_data if getattr(filters, name)}


def _visible(user: Any) -> QuerySet[SavedView]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SavedView.objects.none()
    profile = _profile(user)
    visible = Q(owner_id=user.pk)
    if profile is not None and profile.area_id is not None:
        visible |= Q(shared_with_area_id=profile.area_id)
    return SavedView.objects.filter(visible)


def saved_views_visible_to(user: Any) -> list[SavedView]:
    """The person's own views, then the views shared with their area (by name); bounded."""
    own_first = Case(When(owner_id=user.pk, then=Value(0)), default=Value(1))
    views = _visible(user).select_related("owner", "shared_with_area")
    return list(views.order_by(own_first, "name", "pk")[:SAVED_VIEWS_LISTED])


def saved_view_get_for(user: Any, view_id: int) -> SavedView:
    """A view `user` sees (their own or shared with their area); NotFound otherwise."""
    view = _visible(user).select_related("shared_with_area").filter(pk=view_id).first()
    if view is None:
        raise NotFound(_("Esa vista no existe."))
    return view


def areas_shareable_by(user: Any) -> QuerySet[Area]:
    """The areas `user` may share a view with: administrators and national supervisors any
    active area; a directorate's supervisor that directorate's; anyone else none."""
    areas = Area.objects.filter(active=True).select_related("directorate").order_by("name")
    if getattr(user, "is_superuser", False):
        return areas
    profile = _profile(user)
    if profile is None or not user.is_active:
        return areas.none()
    if profile.role == Role.ADMIN:
        return areas
    if profile.role != Role.SUPERVISOR:
        return areas.none()
    if profile.supervisor_scope == SupervisorScope.NATIONAL:
        return areas
    if profile.supervisor_scope == SupervisorScope.DIRECTORATE and profile.directorate_id:
        return areas.filter(directorate_id=profile.directorate_id)
    return areas.none()
