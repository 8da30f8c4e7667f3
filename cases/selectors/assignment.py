"""Who a case may be assigned to and which areas it may be transferred to: the rules of the
single-case actions (`cases.services.workflow`), offered as lists to the people who distribute
work (the case page's and the bulk page's pickers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.models import Role, SupervisorScope
from catalog.models import Area

from ..events import Actor
from .access import may_act


def area_members(area_ids: list[int]) -> QuerySet[Any]:
    """The users a case of one of these areas may be assigned to: active area staff of it."""
    return get_user_model().objects.filter(
        is_active=True, profile__role=Role.AREA_STAFF, profile__area_id__in=area_ids
    )


@dataclass(frozen=True)
class AreaChoice:
    area: Area
    members: list[Any]


def _areas_in_reach(actor: Actor) -> QuerySet[Area]:
    """Active areas whose cases `actor` may distribute: a directorate supervisor's own
    directorate; everyone else who may assign, every area (their cases reach any area)."""
    areas = Area.objects.filter(active=True).select_related("directorate")
    user = actor.user
    profile = getattr(user, "profile", None) if user is not None and not user.is_superuser else None
    if (
        profile is not None
        and profile.role == Role.SUPERVISOR
        and profile.supervisor_scope == SupervisorScope.DIRECTORATE
    ):
        areas = areas.filter(directorate_id=profile.directorate_id)
    return areas.order_by("directorate__name", "name")


def assignees_for(actor: Actor) -> list[AreaChoice]:
    """The people `actor` may assign cases to, by area (two queries); empty when `actor` may
    not assign. Each case still goes only to a member of its own area (the service checks)."""
    if not may_act(actor, "assign"):
        return []
    areas = list(_areas_in_reach(actor))
    members: dict[int, list[Any]] = {area.pk: [] for area in areas}
    users = (
        area_members(list(members))
        .select_related("profile")
        .order_by("first_name", "last_name", "username")
    )
    for user in users:
        members[user.profile.area_id].append(user)
    return [AreaChoice(area, members[area.pk]) for area in areas if members[area.pk]]


def transfer_areas_for(actor: Actor) -> list[Area]:
    """The areas `actor` may transfer cases to (any active area, as on the case page), with
    their directorate; empty when `actor` may not transfer."""
    if not may_act(actor, "transfer"):
        return []
    return list(
        Area.objects.filter(active=True)
        .select_related("directorate")
        .order_by("directorate__name", "name")
    )
