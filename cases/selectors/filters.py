"""The case filters as a django-filter FilterSet: what `GET /api/v1/cases/`, the browser's work
queues and the exports filter on (SPEC §8); lists mean "any of".

:class:`CaseFilterSet` declares each filter once. Its form reads the API's query string
(:meth:`CaseFilterSet.query_form` of :class:`CaseListFilterSet`); its filters narrow the
visible cases by an already valid :class:`CaseFilters` (`cases.selectors.lists.case_list_for`),
in the order declared here: catalog codes are looked up in the catalog snapshot, each contact
identifier filter costs one short query.
ADR 0015 says why and what it costs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters.constants import EMPTY_VALUES

from catalog.models import CaseKind
from contacts.models import Contact
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from ..catalog_cache import catalog_snapshot
from ..models import Case, CaseStatus, SlaState
from ..sla.filters import sla_state_q
from .filter_fields import CommaSeparatedField, DateOrDateTimeField, SearchTextField

# Folios look like ATN-2026-00001234 (cases.folios); `q` matching this is looked up exactly.
FOLIO_PATTERN = re.compile(r"^[A-Z0-9]+-\d{4}-\d{1,12}$")


@dataclass(frozen=True)
class CaseFilters:
    """What the case lists filter on; lists mean "any of" (SPEC §8).

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


def case_filters_from(form: forms.Form) -> CaseFilters:
    """The filters a valid query form read; what the query did not send keeps its default."""
    sent = {name: value for name, value in form.cleaned_data.items() if value not in EMPTY_VALUES}
    return CaseFilters(**sent)


class AnyOfFilter(django_filters.Filter):
    """Cases whose `field_name` is any of the listed values."""

    field_class = CommaSeparatedField

    def __init__(self, field_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(field_name, lookup_expr="in", **kwargs)


class CatalogCodeFilter(AnyOfFilter):
    """Cases whose catalog row `field_name` has one of the codes; an unknown code is a 400.

    The codes are looked up in the process's catalog snapshot (`cases.catalog_cache`), which a
    token request revalidates with no query of its own."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(upper=True, **kwargs)

    def filter(self, qs: QuerySet[Case], value: Sequence[str]) -> QuerySet[Case]:
        if not value:
            return qs
        known = catalog_snapshot().ids_by_code(self.field_name)
        found = {code: known[code] for code in value if code in known}
        unknown = [code for code in value if code not in found]
        if unknown:
            raise ValidationFailed(
                _("Revise los filtros."),
                errors=[
                    FieldError(
                        self.field_name,
                        "does_not_exist",
                        _("No existe la clave «%(code)s».") % {"code": ", ".join(unknown)},
                    )
                ],
            )
        return qs.filter(**{f"{self.field_name}_id__in": [found[code] for code in value]})


class ContactIdentifierFilter(AnyOfFilter):
    """Cases of the contacts with one of these identifiers (`field_name`: nss or curp)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(upper=True, **kwargs)

    def filter(self, qs: QuerySet[Case], value: Sequence[str]) -> QuerySet[Case]:
        if not value:
            return qs
        # The contacts first (unique indexes), then their cases by `case_contact_status_idx`:
        # as a subquery the planner joined it last, after scanning every case.
        contacts = Contact.objects.filter(**{f"{self.field_name}__in": value})
        return qs.filter(contact_id__in=list(contacts.values_list("pk", flat=True)))


class ReceivedFilter(django_filters.Filter):
    """Cases received from (`gte`) or before (`lt`) an instant."""

    field_class = DateOrDateTimeField

    def __init__(self, lookup_expr: str, **kwargs: Any) -> None:
        super().__init__("received_at", lookup_expr, **kwargs)


class TextFilter(django_filters.Filter):
    """`q`: a folio looked up exactly (unique index); any other text in subject/description."""

    field_class = SearchTextField

    def filter(self, qs: QuerySet[Case], value: str) -> QuerySet[Case]:
        text = value.strip()
        if not text:
            return qs
        if FOLIO_PATTERN.fullmatch(text.upper()):
            return qs.filter(folio=text.upper())
        return qs.filter(Q(subject__icontains=text) | Q(description__icontains=text))


class UnassignedFilter(django_filters.BooleanFilter):
    """Only the cases nobody holds when true; every case when false."""

    def filter(self, qs: QuerySet[Case], value: bool | None) -> QuerySet[Case]:
        return qs.filter(assignee__isnull=True) if value else qs


class CaseFilterSet(django_filters.FilterSet):
    """Every filter of :class:`CaseFilters`, in the order the list query applies them."""

    status = AnyOfFilter(
        label=_lazy("Estado"),
        choices=tuple(CaseStatus.values),
        help_text="Uno o varios, separados por comas.",
    )
    kind = AnyOfFilter(label=_lazy("Tipo"), choices=tuple(CaseKind.values))
    service = CatalogCodeFilter(label=_lazy("Servicio"), help_text="Claves de servicio.")
    channel = CatalogCodeFilter(label=_lazy("Canal"), help_text="Claves de canal.")
    office = CatalogCodeFilter(label=_lazy("Oficina"), help_text="Claves de oficina.")
    directorate = CatalogCodeFilter(label=_lazy("Dirección"), help_text="Claves de dirección.")
    area = CatalogCodeFilter(label=_lazy("Área"), help_text="Claves de área.")
    assignee = AnyOfFilter(
        "assignee__username", label=_lazy("Asignado a"), help_text="Nombres de usuario."
    )
    unassigned = UnassignedFilter(label=_lazy("Sin asignar"))
    # Applied by `narrowed` (it needs the instant of the query), never as a field lookup.
    sla_state = AnyOfFilter(
        label=_lazy("Plazo"),
        choices=tuple(SlaState.values),
        help_text="Estado del plazo en el instante de la consulta.",
    )
    received_after = ReceivedFilter(
        "gte",
        label=_lazy("Recibido desde"),
        help_text="Desde (inclusive): fecha AAAA-MM-DD o instante ISO 8601.",
    )
    received_before = ReceivedFilter(
        "lt",
        label=_lazy("Recibido hasta"),
        end_of_day=True,
        help_text="Hasta: una fecha incluye todo ese día; un instante es exclusivo.",
    )
    nss = ContactIdentifierFilter(label=_lazy("NSS"), help_text="NSS exacto.")
    curp = ContactIdentifierFilter(label=_lazy("CURP"), help_text="CURP exacta.")
    external_reference = AnyOfFilter(label=_lazy("Referencia externa"))
    q = TextFilter(
        label=_lazy("Buscar"),
        max_length=200,
        help_text="Un folio exacto, o texto que se busca en asunto y descripción.",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def get_form_class(self) -> type[forms.Form]:
        # Built once per class: the fields depend on the declarations alone, and each form
        # copies them (Django's forms do) — not rebuilt for every request.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @classmethod
    def query_form(cls, query: Mapping[str, Any]) -> forms.Form:
        """The FilterSet's form bound to a query string. It only reads and validates: its
        `cleaned_data` become CaseFilters (`case_filters_from`), which `case_list_for` applies."""
        form_class = cls.__dict__.get("_form_class") or cls().get_form_class()
        return form_class(query)

    @classmethod
    def narrowed(
        cls, queryset: QuerySet[Case], filters: CaseFilters, now: dt.datetime
    ) -> QuerySet[Case]:
        """`queryset` narrowed by `filters`, already valid (no form involved; `now`: the instant
        `sla_state` is computed at).

        Runs the class's declared filters as they are, with no FilterSet instance: they keep no
        state of a request, and an instance deep-copies all of them (a tenth of a list
        request's Python time)."""
        for name, filter_ in cls.base_filters.items():
            value = getattr(filters, name)
            if value in EMPTY_VALUES:
                continue
            if name == "sla_state":  # not a field lookup: the state at `now`
                queryset = queryset.filter(sla_state_q(value, now, filters.status or None))
            else:
                queryset = filter_.filter(queryset, value)
        return queryset


class CaseListFilterSet(CaseFilterSet):
    """The filters `GET /api/v1/cases/` reads from its query string: all but the browser's
    `unassigned` queue."""

    unassigned = None  # type: ignore[assignment]
