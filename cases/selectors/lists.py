"""Lists of cases: the visible cases matching the filters of the API's list, the browser's work
queues and the exports (SPEC §8), planned to cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalog.models import Area, Directorate, Service
from channels.models import Channel, Office
from contacts.models import Contact
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from ..events import Actor
from ..models import Case
from ..sla.filters import sla_state_q
from .access import cases_visible_to
from .relations import with_case_output_relations

# Folios look like ATN-2026-00001234 (cases.folios); `q` matching this is looked up exactly.
FOLIO_PATTERN = re.compile(r"^[A-Z0-9]+-\d{4}-\d{1,12}$")


@dataclass(frozen=True)
class CaseFilters:
    """What `GET /api/v1/cases/` filters on; lists mean "any of" (SPEC §8).

    Codes are catalog codes; `assignee` are usernames; `received_after` is inclusive and
    `received_before` exclusive (the API turns a date into the following midnight).
    """

    status: Sequence[str] = ()
    kind: Sequence[str] = ()
    service: Sequence[str] = ()
    channel: Sequence[str] = ()
    office: Sequence[str] = ()
    directorate: Sequence[str] = ()
    area: Sequence[str] = ()
    assignee: Sequence[str] = ()
    sla_state: Sequence[str] = ()
    received_after: dt.datetime | None = None
    received_before: dt.datetime | None = None
    nss: Sequence[str] = ()
    curp: Sequence[str] = ()
    external_reference: Sequence[str] = ()
    q: str = ""
    unassigned: bool = False  # only cases nobody holds (the browser's "sin asignar" queue)


# filter name → (model, attribute of Case holding its id)
_CODE_FILTERS: dict[str, tuple[Any, str]] = {
    "service": (Service, "service_id"),
    "channel": (Channel, "channel_id"),
    "office": (Office, "office_id"),
    "directorate": (Directorate, "directorate_id"),
    "area": (Area, "area_id"),
}


def _ids_for_codes(name: str, model: Any, codes: Sequence[str]) -> list[int]:
    """The ids of these catalog codes; an unknown code is a 400 on that filter."""
    found = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(
            _("Revise los filtros."),
            errors=[
                FieldError(
                    name,
                    "does_not_exist",
                    _("No existe la clave «%(code)s».") % {"code": ", ".join(unknown)},
                )
            ],
        )
    return [found[code] for code in codes]


def _text_q(q: str) -> Q:
    """`q`: a folio looked up exactly (unique index); any other text in subject/description."""
    text = q.strip()
    if FOLIO_PATTERN.fullmatch(text.upper()):
        return Q(folio=text.upper())
    return Q(subject__icontains=text) | Q(description__icontains=text)


def case_list_for(
    actor: Actor,
    filters: CaseFilters,
    now: dt.datetime,
    *,
    ordering: Sequence[str] = (),
    catalog: bool = True,
) -> QuerySet[Case]:
    """The visible cases matching `filters`, with their printed relations, in `ordering`.

    Never counted: the API pages through it with a keyset cursor. `catalog`: see
    `with_case_output_relations`.
    """
    cases = cases_visible_to(actor)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.kind:
        cases = cases.filter(kind__in=filters.kind)
    for name, (model, attribute) in _CODE_FILTERS.items():
        codes = getattr(filters, name)
        if codes:
            cases = cases.filter(**{f"{attribute}__in": _ids_for_codes(name, model, codes)})
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
    # The contacts first (unique indexes), then their cases by `case_contact_status_idx`: as a
    # subquery the planner joined it last, after scanning every case.
    if filters.nss:
        ids = list(Contact.objects.filter(nss__in=filters.nss).values_list("pk", flat=True))
        cases = cases.filter(contact_id__in=ids)
    if filters.curp:
        ids = list(Contact.objects.filter(curp__in=filters.curp).values_list("pk", flat=True))
        cases = cases.filter(contact_id__in=ids)
    if filters.external_reference:
        cases = cases.filter(external_reference__in=filters.external_reference)
    if filters.q.strip():
        cases = cases.filter(_text_q(filters.q))
    cases = with_case_output_relations(cases, catalog=catalog)
    return cases.order_by(*ordering) if ordering else cases
