"""Lists of cases: the visible cases matching the filters of the API's list, the browser's work
queues and the exports (SPEC §8), planned to cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import QuerySet

from ..events import Actor
from ..models import Case
from .access import cases_visible_to
from .filters import CaseFilters, CaseFilterSet
from .relations import with_case_output_relations


def case_list_for(
    actor: Actor,
    filters: CaseFilters,
    now: dt.datetime,
    *,
    ordering: Sequence[str] = (),
    catalog: bool = True,
    contacts: bool = True,
) -> QuerySet[Case]:
    """The visible cases matching `filters` (through :class:`CaseFilterSet`), with their printed
    relations, in `ordering`.

    Never counted: the API pages through it with a keyset cursor. `catalog` and `contacts`: see
    `with_case_output_relations`.
    """
    cases = CaseFilterSet.narrowed(cases_visible_to(actor), filters, now)
    cases = with_case_output_relations(cases, catalog=catalog, contacts=contacts)
    return cases.order_by(*ordering) if ordering else cases
