"""What the navigation offers the browser user: their role and placement, their work queues
and, for staff, the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import Role
from inbound.selectors import inbound_pending_count, inbound_queue_visible_to

from .queues import queues_for
from .roles import user_profile, user_role


@dataclass(frozen=True)
class Navigation:
    role: str | None
    name: str  # the person's full name, or the username when none was recorded
    role_label: str
    place: str
    queues: list[tuple[str, str]]
    show_admin: bool
    # "Correo por clasificar" and how many wait there; None for who may not see it.
    inbound_pending: int | None = None


def navigation_for(user: Any) -> Navigation | None:
    role = user_role(user)
    if role is None:
        return None
    profile = user_profile(user)
    place = ""
    if profile is not None:
        placement = profile.area or profile.office or profile.directorate
        # Names, not codes: an office prints as "CODE — name" elsewhere.
        place = placement.name if placement is not None else ""
    return Navigation(
        role=role,
        name=user.get_full_name() or user.get_username(),
        role_label=str(Role(role).label),
        place=place,
        queues=[(queue.key, str(queue.label)) for queue in queues_for(user)],
        show_admin=bool(user.is_staff),
        inbound_pending=inbound_pending_count() if inbound_queue_visible_to(user) else None,
    )
