"""A contact's other cases, as the case page shows them beside the one open (issue 19, item 10).

Bounded and planned: one query for the newest :data:`CONTACT_HISTORY_LIMIT` (+1, to know
whether there are more) of the contact's cases the viewer may see, and one for the open
cases of the same service (the warning must not miss one beyond the newest rows). Both are
served by ``case_contact_status_idx`` (contact, status): a person has a handful of cases, so
the planner reads only that contact's rows whatever the size of the table. The browser's work
queues cannot filter by contact, so the list is the newest rows and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from ..events import Actor
from ..models import Case
from ..models.case import OPEN_STATUSES
from .access import cases_visible_to

CONTACT_HISTORY_LIMIT = 10
# The open cases of the same service named in the warning.
SAME_SERVICE_LIMIT = 5


@dataclass(frozen=True)
class ContactHistory:
    """The contact's other visible cases, newest first; `more` when some were left out."""

    cases: list[Case]
    more: bool
    open_same_service: list[Case]


EMPTY_HISTORY = ContactHistory([], False, [])


def contact_history_for(
    actor: Actor, case: Case, *, limit: int = CONTACT_HISTORY_LIMIT
) -> ContactHistory:
    """The other cases of `case`'s contact that `actor` may see (`cases_visible_to`).

    An anonymous denuncia has no contact to show or link: nothing. Anonymous denuncias are
    never listed either (they carry no contact, and are filtered out should one ever do).
    Two queries, whatever the number of rows.
    """
    if case.anonymous or case.contact_id is None:
        return EMPTY_HISTORY
    others = (
        cases_visible_to(actor)
        .filter(contact_id=case.contact_id, anonymous=False)
        .exclude(pk=case.pk)
    )
    rows = list(
        others.select_related("service")
        .only(
            "folio",
            "status",
            "received_at",
            "resolved_at",
            "service_id",
            "service__name",
            "service__code",
        )
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    same_service = list(
        others.filter(service_id=case.service_id, status__in=OPEN_STATUSES)
        .only("folio", "status", "received_at")
        .order_by("-received_at", "-pk")[:SAME_SERVICE_LIMIT]
    )
    return ContactHistory(rows[:limit], len(rows) > limit, same_service)


def contact_cases_for(
    actor: Actor, contact_id: int, *, limit: int = CONTACT_HISTORY_LIMIT
) -> ContactHistory:
    """The newest cases of a contact that `actor` may see (the contact's page). One query."""
    rows = list(
        cases_visible_to(actor)
        .filter(contact_id=contact_id, anonymous=False)
        .select_related("service")
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    return ContactHistory(rows[:limit], len(rows) > limit, [])


def case_counts_by_contact(contact_ids: Iterable[int]) -> dict[int, int]:
    """How many cases each contact has, all of them (what a merge would move). One query."""
    ids = list(contact_ids)
    counts = (
        Case.objects.filter(contact_id__in=ids)
        .order_by()
        .values("contact_id")
        .annotate(n=Count("pk"))
        .values_list("contact_id", "n")
    )
    found = dict(counts)
    return {pk: found.get(pk, 0) for pk in ids}
