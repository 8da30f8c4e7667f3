"""Writing the timeline: every service records what it did through `event_record`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max

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


def event_instant(case: Case, now: dt.datetime) -> dt.datetime:
    """When an event appended under the case's row lock happens: `now`, or the case's last
    event's instant if that is later. The caller read its clock before waiting for the lock;
    a change committed meanwhile may carry a later instant, and acting "before" it would run
    the timeline (and its status replay) backwards."""
    last_at = CaseEvent.objects.filter(case=case).aggregate(last=Max("at"))["last"]
    return last_at if last_at is not None and last_at > now else now


def event_instants(case_ids: list[int], now: dt.datetime) -> dict[int, dt.datetime]:
    """`event_instant` for a locked batch of cases, in one query."""
    later = dict(
        CaseEvent.objects.filter(case_id__in=case_ids, at__gt=now)
        .values("case_id")
        .annotate(last=Max("at"))
        .values_list("case_id", "last")
    )
    return {case_id: later.get(case_id, now) for case_id in case_ids}


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
