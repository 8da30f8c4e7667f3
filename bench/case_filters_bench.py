"""The case filters on django-filter against the hand-written filters they replaced (issue 16).

Times, in this process, what one `GET /api/v1/cases/` spends reading and applying its filters
over the same queryset (every case; no database: catalog-code and contact-identifier filters
run the same one short query either way, so they are left out):

  read   the query string validated — before: one DRF serializer with shallow-copied fields;
         now: `CaseListFilterSet.query_form` (the FilterSet's form) and the paging serializer
  apply  read + the visible cases narrowed — before: `case_list_for`'s own `if` per filter;
         now: a `CaseFilterSet` (its filters copied per instance, as django-filter does)

for three query strings: none, the API bench's filtered list without its channel, and eight
filters at once. The "before" code is kept below, verbatim but for names, as the baseline.
Prints CPU microseconds per request (best of --repeat interleaved runs of --number each);
asserts nothing.

    .venv/bin/python bench/case_filters_bench.py [--number 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import re
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")

import django  # noqa: E402

django.setup()

from django.db.models import Q, QuerySet  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.dateparse import parse_date, parse_datetime  # noqa: E402
from rest_framework import serializers  # noqa: E402

from cases.api.serializers import ORDERINGS, PAGE_SIZE_MAX, CaseListPagingSerializer  # noqa: E402
from cases.models import Case, CaseStatus, SlaState  # noqa: E402
from cases.selectors.filters import (  # noqa: E402
    CaseFilters,
    CaseFilterSet,
    CaseListFilterSet,
    case_filters_from,
)
from cases.selectors.relations import with_case_output_relations  # noqa: E402
from cases.sla.filters import sla_state_q  # noqa: E402
from catalog.models import CaseKind  # noqa: E402

QUERIES = {
    "none": "",
    "bench filtered list": "status=assigned,in_progress&ordering=-received_at",
    "eight filters": (
        "status=new,assigned,in_progress&kind=complaint&sla_state=at_risk,breached"
        "&received_after=2026-01-01&received_before=2026-03-31&assignee=ana,luis"
        "&external_reference=MC-1,MC-2&q=constancia&ordering=resolution_due_at&page_size=50"
    ),
}

# --- Before: the hand-written filters (cases/api/fields.py, serializers.py, selectors.py) -------

ZONE = ZoneInfo("America/Mexico_City")
UNENCODED_PLUS = re.compile(r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")
FOLIO_PATTERN = re.compile(r"^[A-Z0-9]+-\d{4}-\d{1,12}$")


class ClonedFields:
    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {}
        for name, declared in self._declared_fields.items():
            clone = copy.copy(declared)
            clone.__dict__.pop("fields", None)
            fields[name] = clone
        return fields


class CommaSeparated(serializers.Field):
    default_error_messages = {"invalid_choice": "?", "empty": "?"}

    def __init__(self, *, choices: list[str] | None = None, upper: bool = False, **kwargs: Any):
        self.choices, self.upper = choices, upper
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return ",".join(dictionary.getlist(self.field_name))
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list[str]:
        values: list[str] = []
        for item in str(data).split(","):
            value = item.strip().upper() if self.upper else item.strip()
            if value and value not in values:
                values.append(value)
        if not values:
            self.fail("empty")
        for value in values:
            if self.choices is not None and value not in self.choices:
                self.fail("invalid_choice")
        return values


class DateOrDateTime(serializers.Field):
    def __init__(self, *, end_of_day: bool = False, **kwargs: Any):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dt.datetime:
        text = UNENCODED_PLUS.sub(r"\1+\2", str(data).strip())
        day = parse_date(text)
        instant = None if day is not None else parse_datetime(text)
        if day is not None:
            if self.end_of_day:
                day += dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(), tzinfo=ZONE)
        assert instant is not None
        return instant if timezone.is_aware(instant) else instant.replace(tzinfo=ZONE)


class BeforeSerializer(ClonedFields, serializers.Serializer):
    status = CommaSeparated(required=False, choices=list(CaseStatus.values))
    kind = CommaSeparated(required=False, choices=list(CaseKind.values))
    service = CommaSeparated(required=False, upper=True)
    channel = CommaSeparated(required=False, upper=True)
    office = CommaSeparated(required=False, upper=True)
    directorate = CommaSeparated(required=False, upper=True)
    area = CommaSeparated(required=False, upper=True)
    assignee = CommaSeparated(required=False)
    sla_state = CommaSeparated(required=False, choices=list(SlaState.values))
    received_after = DateOrDateTime(required=False)
    received_before = DateOrDateTime(required=False, end_of_day=True)
    nss = CommaSeparated(required=False, upper=True)
    curp = CommaSeparated(required=False, upper=True)
    external_reference = CommaSeparated(required=False)
    q = serializers.CharField(required=False, max_length=200)
    ordering = serializers.ChoiceField(
        choices=[*ORDERINGS, *(f"-{name}" for name in ORDERINGS)], required=False
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=PAGE_SIZE_MAX)
    cursor = serializers.CharField(required=False)


def before_read(query: QueryDict) -> CaseFilters:
    params = BeforeSerializer(data=query)
    assert params.is_valid(), params.errors
    data = dict(params.validated_data)
    for name in ("ordering", "page_size", "cursor"):
        data.pop(name, None)
    return CaseFilters(**data)


def before_apply(cases: QuerySet[Case], filters: CaseFilters, now: dt.datetime) -> QuerySet[Case]:
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.kind:
        cases = cases.filter(kind__in=filters.kind)
    if filters.assignee:
        cases = cases.filter(assignee__username__in=filters.assignee)
    if filters.unassigned:
        cases = cases.filter(assignee__isnull=True)
    if filters.sla_state:
        cases = cases.filter(sla_state_q(filters.sla_state, now, filters.status or None))
    if filters.received_after is not None:
        cases = cases.filter(received_at__gte=filters.received_after)
    if filters.received_before is not None:
        cases = cases.filter(received_at__lt=filters.received_before)
    if filters.external_reference:
        cases = cases.filter(external_reference__in=filters.external_reference)
    if filters.q.strip():
        text = filters.q.strip()
        if FOLIO_PATTERN.fullmatch(text.upper()):
            cases = cases.filter(folio=text.upper())
        else:
            cases = cases.filter(Q(subject__icontains=text) | Q(description__icontains=text))
    return with_case_output_relations(cases, catalog=False)


# --- Now: the FilterSet ------------------------------------------------------------------------


def now_read(query: QueryDict) -> CaseFilters:
    form = CaseListFilterSet.query_form(query)
    params = CaseListPagingSerializer(data=query)
    assert form.is_valid() and params.is_valid(), (form.errors, params.errors)
    return case_filters_from(form)


def now_apply(cases: QuerySet[Case], filters: CaseFilters, now: dt.datetime) -> QuerySet[Case]:
    narrowed = CaseFilterSet.narrowed(cases, filters, now)
    return with_case_output_relations(narrowed, catalog=False)


def _best(run: Callable[[], Any], number: int) -> float:
    # CPU time of this process: other processes on a busy machine count less than in wall time.
    return timeit.Timer(run, timer=time.process_time).timeit(number) / number * 1e6


def _compare(label: str, query: QueryDict, now: dt.datetime, number: int, repeat: int) -> None:
    cases = Case.objects.all()
    # Both read the same filters, and narrow to the same SQL.
    assert before_read(query) == now_read(query)
    before_sql = str(before_apply(cases, before_read(query), now).query)
    assert before_sql == str(now_apply(cases, now_read(query), now).query)
    steps: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "read": (lambda: before_read(query), lambda: now_read(query)),
        "apply": (
            lambda: before_apply(cases, before_read(query), now),
            lambda: now_apply(cases, now_read(query), now),
        ),
    }
    for step, (before, after) in steps.items():
        olds, news = [], []
        for _ in range(repeat):  # interleaved, so that a busy machine weighs on both alike
            olds.append(_best(before, number))
            news.append(_best(after, number))
        old, new = min(olds), min(news)
        print(f"{label:<22}{step:<7}{old:>11.0f}{new:>9.0f}{new - old:>+15.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    now = timezone.now()
    print(f"{'query':<22}{'step':<7}{'before µs':>11}{'now µs':>9}{'now − before':>15}")
    for label, text in QUERIES.items():
        _compare(label, QueryDict(text), now, args.number, args.repeat)


if __name__ == "__main__":
    main()
