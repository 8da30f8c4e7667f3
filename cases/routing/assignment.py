"""Who in an area gets a routed case (SPEC §5): the rules' assignment strategies."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from accounts.models import Role

from ..models import AssignmentStrategy, Case
from ..models.case import OPEN_STATUSES


def _area_members(area_id: int):  # type: ignore[no-untyped-def]
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__area_id=area_id, profile__role=Role.AREA_STAFF)
        .order_by("pk")
    )


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
            .annotate(
                load=Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATUSES))
            )
            .order_by("load", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        return member
    return None
