"""The saved views in the queue page's navigation (issue 19 item 9), each with how many cases
it shows to the person looking: the views come from `cases.selectors.saved_views`, the counts
from the same queue selectors as the queue page (`web.queues.queue_cases`), so a view shared
with an area counts, for each of its staff, what that person may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import SavedView
from cases.selectors.saved_views import saved_view_refinements, saved_views_visible_to
from infonavit_atencion.core.errors import ValidationFailed

from .queues import QUEUES, queue_cases, queues_for

# Only the first views are counted: one COUNT each (plus the catalog snapshot's one-row check
# when the view filters on catalog codes, as the office queue does), whatever the number saved.
SAVED_VIEWS_COUNTED = 10


@dataclass(frozen=True)
class SavedViewEntry:
    view: SavedView
    own: bool
    url: str  # the queue page with the view's filters
    count: int | None  # None: not counted (see `problem`, or beyond SAVED_VIEWS_COUNTED)
    problem: str = ""


def saved_view_url(view: SavedView) -> str:
    query = urlencode({"cola": view.queue})
    return f"{reverse('web:queue')}?{query}{'&' + view.query if view.query else ''}"


def saved_view_problem(user: Any, view: SavedView) -> str:
    """Why `view` cannot be used by `user` now (empty when it can)."""
    if view.queue not in {queue.key for queue in queues_for(user)}:
        return _("La bandeja de esta vista no está disponible para usted.")
    try:
        saved_view_refinements(view.query)
    except ValidationFailed as error:
        return " ".join(e.message for e in error.errors) or str(error.detail)
    return ""


def _count(user: Any, view: SavedView, now: dt.datetime) -> tuple[int | None, str]:
    problem = saved_view_problem(user, view)
    if problem:
        return None, problem
    try:
        cases = queue_cases(user, QUEUES[view.queue], saved_view_refinements(view.query), now)
        return cases.order_by().count(), ""
    except ValidationFailed as error:  # a catalog code gone since the view was saved
        return None, " ".join(e.message for e in error.errors) or str(error.detail)


def saved_views_for(user: Any, now: dt.datetime) -> list[SavedViewEntry]:
    """The views `user` sees (own first, then shared with their area), the first ones counted."""
    entries = []
    for index, view in enumerate(saved_views_visible_to(user)):
        count, problem = _count(user, view, now) if index < SAVED_VIEWS_COUNTED else (None, "")
        entries.append(
            SavedViewEntry(view, view.owner_id == user.pk, saved_view_url(view), count, problem)
        )
    return entries
