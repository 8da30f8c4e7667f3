"""Writing the timeline: every service records what it did through `event_record`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from accounts.models import ApiClient

from .models import Case, CaseEvent


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user, an API client, or the system (both None)."""

    user: User | None = None
    client: ApiClient | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return f"user:{self.user.get_username()}"
        if self.client is not None:
            return f"client:{self.client.name}"
        return "system"


SYSTEM = Actor()


def event_record(case: Case, kind: str, actor: Actor, at: dt.datetime, data: dict[str, Any] | None = None) -> CaseEvent:
    """Append one event, copying where the case stands now (call after updating the case)."""
    event = event_build(case, kind, actor, at, data)
    event.save()
    return event


def event_build(case: Case, kind: str, actor: Actor, at: dt.datetime, data: dict[str, Any] | None = None) -> CaseEvent:
    """An unsaved event row; batch jobs bulk_create these."""
    return CaseEvent(
        case=case,
        kind=kind,
        at=at,
        actor_user=actor.user,
        actor_client=actor.client,
        data=data or {},
        status=case.status,
        case_kind=case.kind,
        channel_id=case.channel_id,
        office_id=case.office_id,
        service_id=case.service_id,
        directorate_id=case.directorate_id,
        area_id=case.area_id,
    )
