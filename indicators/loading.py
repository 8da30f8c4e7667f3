"""Reading cases and their timelines as the plain rows `indicators.facts` replays.

One :class:`FactLoader` per run caches calendar specs and the SLA terms of services (needed only
to replay a reclassification), so a batch of thousands of cases costs two queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from businesstime.calendar_spec import CalendarSpec
from cases.models import Case, CaseEvent
from cases.sla.policy import sla_calendar_for, sla_policy_for
from catalog.models import Service
from channels.models import Channel, Office
from channels.selectors import calendar_spec_for

from .facts import CaseFacts, CaseRow, Dims, EventRow, SlaTerms, case_facts

CASE_FIELDS = (
    "id",
    "received_at",
    "sla_calendar_id",
    "sla_first_response_value",
    "sla_first_response_unit",
    "sla_resolution_value",
    "sla_resolution_unit",
    "resolution_due_at",
    "first_response_due_at",
    "channel_id",
    "office_id",
    "sla_extension_value",
)
EVENT_FIELDS = (
    "case_id",
    "id",
    "kind",
    "at",
    "actor_user_id",
    "actor_client_id",
    "data",
    "status",
    "channel_id",
    "directorate_id",
    "area_id",
    "office_id",
    "service_id",
    "case_kind",
)


class FactLoader:
    def __init__(self) -> None:
        self._specs: dict[int, CalendarSpec] = {}
        self._terms: dict[tuple[int, int, int | None], SlaTerms] = {}

    def spec(self, calendar_id: int) -> CalendarSpec:
        if calendar_id not in self._specs:
            self._specs[calendar_id] = calendar_spec_for(calendar_id)
        return self._specs[calendar_id]

    def service_terms(self, service_id: int, channel_id: int, office_id: int | None) -> SlaTerms:
        """The terms a case on this channel/office would get for this service today."""
        key = (service_id, channel_id, office_id)
        if key not in self._terms:
            service = Service.objects.select_related("sla_policy").get(pk=service_id)
            channel = Channel.objects.get(pk=channel_id)
            office = (
                Office.objects.select_related("calendar").filter(pk=office_id).first()
                if office_id
                else None
            )
            policy = sla_policy_for(service, channel)
            calendar = sla_calendar_for(policy, channel, office)
            first = (
                (policy.first_response_value, policy.first_response_unit)
                if policy.first_response_value
                else None
            )
            self._terms[key] = SlaTerms(
                self.spec(calendar.pk),
                first,
                (policy.resolution_value, policy.resolution_unit),
                policy.extension_value,
            )
        return self._terms[key]

    def facts_for(
        self, *, ids: list[int] | None = None, id_range: tuple[int, int] | None = None
    ) -> dict[int, CaseFacts]:
        """Facts and spells of the cases with these ids, or with ids in [low, high)."""
        case_filter: dict[str, Any]
        event_filter: dict[str, Any]
        if ids is not None:
            case_filter, event_filter = {"pk__in": ids}, {"case_id__in": ids}
        else:
            assert id_range is not None
            low, high = id_range
            case_filter, event_filter = (
                {"pk__gte": low, "pk__lt": high},
                {"case_id__gte": low, "case_id__lt": high},
            )
        cases = {
            row[0]: row
            for row in Case.objects.filter(**case_filter).order_by().values_list(*CASE_FIELDS)
        }
        if not cases:
            return {}
        timelines: dict[int, list[EventRow]] = defaultdict(list)
        for e in CaseEvent.objects.filter(**event_filter).order_by().values_list(*EVENT_FIELDS):
            timelines[e[0]].append(
                EventRow(
                    e[1],
                    e[2],
                    e[3],
                    e[4],
                    e[5],
                    e[6] or {},
                    e[7],
                    Dims(e[8], e[9], e[10], e[11], e[12], e[13]),
                )
            )
        return {
            case_id: self._facts(row, timelines.get(case_id, [])) for case_id, row in cases.items()
        }

    def _facts(self, row: tuple, events: list[EventRow]) -> CaseFacts:
        (
            case_id,
            received_at,
            calendar_id,
            fr_value,
            fr_unit,
            res_value,
            res_unit,
            res_due,
            fr_due,
            channel_id,
            office_id,
            extension,
        ) = row
        terms = SlaTerms(
            self.spec(calendar_id),
            (fr_value, fr_unit) if fr_value else None,
            (res_value, res_unit),
            extension,
        )
        case = CaseRow(case_id, received_at, terms, res_due, fr_due)
        return case_facts(
            case, events, lambda service_id: self.service_terms(service_id, channel_id, office_id)
        )


def facts_for_cases(
    case_ids: Iterable[int], loader: FactLoader | None = None
) -> dict[int, CaseFacts]:
    ids = sorted(set(case_ids))
    loader = loader or FactLoader()
    found: dict[int, CaseFacts] = {}
    for start in range(0, len(ids), 2000):
        found.update(loader.facts_for(ids=ids[start : start + 2000]))
    return found
