"""Which cases wait on staff because the citizen wrote last (issue 18): the latest public
comment of the case is the citizen's reply and nobody on staff has answered it in public yet."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from ..models import Case, Comment
from ..models.case import OPEN_STATUSES


def cases_awaiting_reply(case_ids: Iterable[int]) -> set[int]:
    """Of these (already visible) open cases, the ids whose latest public comment is the
    citizen's. One query over the given ids, whatever their number or the table's size: the
    latest public comment of each comes from `comment_case_idx` (case, public, created_at)."""
    ids = list(case_ids)
    if not ids:
        return set()
    latest = Comment.objects.filter(case=OuterRef("pk"), public=True).order_by("-created_at", "-id")
    return set(
        Case.objects.filter(pk__in=ids, status__in=OPEN_STATUSES)
        .annotate(citizen_last=Subquery(latest.values("by_citizen")[:1]))
        .filter(citizen_last=True)
        .values_list("pk", flat=True)
    )
