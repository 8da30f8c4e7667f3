"""Who the browser user is: their profile (placement) and role, read once per request."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Role, UserProfile

_CACHE_ATTR = "_web_profile"


def user_profile(user: Any) -> UserProfile | None:
    """The user's profile with its office and area, read once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _CACHE_ATTR):
        try:
            profile: UserProfile | None = UserProfile.objects.select_related(
                "office", "area", "directorate"
            ).get(user_id=user.pk)
        except ObjectDoesNotExist:
            profile = None
        setattr(user, _CACHE_ATTR, profile)
    return getattr(user, _CACHE_ATTR)


def user_role(user: Any) -> str | None:
    """agent, area_staff, supervisor or admin (a superuser counts as admin); None otherwise."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = user_profile(user)
    return profile.role if profile is not None else None


def is_supervisor(user: Any) -> bool:
    """Supervisors and administrators may assign and transfer cases in bulk."""
    return user_role(user) in (Role.SUPERVISOR, Role.ADMIN)
