"""Writing the timeline: every service records what it did through `event_record`.

Each case's events form a hash chain (ADR 0013): an event's `chain_hash` covers its content
and the previous event's hash. Writers hold the case's row lock; `event_instant(s)` read the
case's last event (instant and hash) in the probe they already made, leave the hash on the
case object, and `event_build` chains each new event onto it and moves it forward, so several
events built for one case in one transaction chain in the order they are built. The head left
on the object is only good inside the transaction that read it: every writer probes first in
its own transaction, or writes the CREATED event of a case it has just created (the start of
the chain: intake needs no probe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery

from accounts.models import ApiClient
from infonavit_atencion.core import hashchain

from .models import Case, CaseEvent, EventKind

# The case object's attribute holding its chain head (the last event's hash) for this transaction.
HEAD_ATTRIBUTE = "_event_chain_head"


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


def _head_remember(case: Case, head: str) -> None:
    case.__dict__[HEAD_ATTRIBUTE] = head


def _last_events(case_ids: Sequence[int]) -> dict[int, tuple[dt.datetime, str]]:
    """Each case's last event on (case, at, id): its instant and hash (cases without events left out)."""
    last = CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-at", "-id")
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .annotate(
            last_at=Subquery(last.values("at")[:1]),
            last_hash=Subquery(last.values("chain_hash")[:1]),
        )
        .values_list("pk", "last_at", "last_hash")
    )
    return {pk: (at, head) for pk, at, head in rows if at is not None}


def event_instant(case: Case, now: dt.datetime) -> dt.datetime:
    """When an event appended under the case's row lock happens: `now`, or the case's last
    event's instant if that is later. The caller read its clock before waiting for the lock;
    a change committed meanwhile may carry a later instant, and acting "before" it would run
    the timeline (and its status replay) backwards. The same probe reads the chain head."""
    last = (
        CaseEvent.objects.filter(case=case)
        .order_by("-at", "-id")
        .values_list("at", "chain_hash")
        .first()
    )
    _head_remember(case, last[1] if last is not None else hashchain.GENESIS)
    return last[0] if last is not None and last[0] > now else now


def event_instants(cases: Sequence[Case], now: dt.datetime) -> dict[int, dt.datetime]:
    """`event_instant` for a locked batch of cases, in one query."""
    last = _last_events([case.pk for case in cases])
    instants = {}
    for case in cases:
        at, head = last.get(case.pk, (now, hashchain.GENESIS))
        _head_remember(case, head)
        instants[case.pk] = at if at > now else now
    return instants


def event_record(
    case: Case, kind: str, actor: Actor, at: dt.datetime, data: dict[str, Any] | None = None
) -> CaseEvent:
    """Append one event, copying where the case stands now (call after updating the case)."""
    event = event_build(case, kind, actor, at, data)
    event.save()
    return event


def event_build(
    case: Case, kind: str, actor: Actor, at: dt.datetime, data: dict[str, Any] | None = None
) -> CaseEvent:
    """An unsaved event row, chained onto the case's last one; batch jobs bulk_create these
    (all of them, in the order built) in the transaction that holds the case's lock."""
    event = CaseEvent(
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
    head = case.__dict__.get(HEAD_ATTRIBUTE)
    if head is None and kind == EventKind.CREATED:
        # Intake's first event starts the chain: no probe for a case created a moment ago.
        head = hashchain.GENESIS
    elif head is None:
        # No probe in this transaction: read the head now.
        head = (
            CaseEvent.objects.filter(case=case)
            .order_by("-at", "-id")
            .values_list("chain_hash", flat=True)
            .first()
        )
    event.chain_hash = event_hash(event, head or hashchain.GENESIS)
    _head_remember(case, event.chain_hash)
    return event


def event_hash(event: CaseEvent, prev_hash: str) -> str:
    """The event's link in its case's chain, after `prev_hash`."""
    return hashchain.event_link(
        prev_hash, [getattr(event, name) for name in hashchain.EVENT_FIELDS]
    )
