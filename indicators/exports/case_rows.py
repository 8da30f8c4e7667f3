"""Rows of a case-list export: the queue's cases, in the queue's scope, masked per role.

* Scope: the cases come from ``cases.selectors.lists.case_list_for`` (and so ``cases_visible_to``)
  with the same filters as the queue page; an export never shows a case the list would not.
* Masking (SPEC §9): NSS, CURP, RFC, e-mail and phone are masked (``*******4431``,
  ``a***@dominio``) unless the person asked for full data *and* their role may see it
  (``cases.selectors.access.identifiers_visible_to``: administrators). Every full record exported is
  logged in ``ContactAccessLog`` (reason ``export``) like a view on the case page.
* Sealed identity: the identity an anonymous reporter chose to give is never read from the
  database unless the person holds the dedicated role (``cases.privacy``) and asked for full
  data; only then does the export carry that column, and each one exported is logged.

Rows are read with ``values_list`` over a server-side cursor (``iterator``): no model instances,
constant memory; catalog names come from one small read per table (labels.catalog_names).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.events import Actor
from cases.models import CaseStatus, Priority, SlaState
from cases.privacy import sealed_identity_views_log, sealed_identity_visible_to
from cases.selectors.access import identifiers_visible_to
from cases.selectors.filters import CaseFilters
from cases.selectors.lists import case_list_for
from cases.sla.policy import sla_state_at
from catalog.models import CaseKind
from contacts.access import contact_views_log, mask_email, mask_value
from contacts.models import Contact

from .labels import CatalogNames

CHUNK = 2000
# Column widths (characters) of the workbook, in column order.
WIDTHS = (20, 14, 26, 40, 18, 28, 22, 28, 16, 16, 10, 40, 17, 17, 12, 17, 17, 8, 8, 18, 10)
CONTACT_WIDTHS = (30, 16, 13, 20, 15, 28, 14)
_BASE_FIELDS = (
    "pk",
    "folio",
    "kind",
    "service_id",
    "channel_id",
    "office_id",
    "directorate_id",
    "area_id",
    "assignee__username",
    "status",
    "priority",
    "subject",
    "received_at",
    "resolution_due_at",
    "warn_at",
    "sla_state",
    "first_response_at",
    "resolved_at",
    "transfer_count",
    "reopen_count",
    "external_reference",
    "anonymous",
    "contact_id",
    "contact__given_names",
    "contact__first_surname",
    "contact__second_surname",
    "contact__type",
    "contact__nss",
    "contact__curp",
    "contact__rfc",
    "contact__email",
    "contact__phone",
)


@dataclass(frozen=True)
class CasePolicy:
    """What one export may show: full contact identifiers, and the sealed reporter identity."""

    unmask: bool = False
    sealed: bool = False


def full_data_allowed(actor: Actor) -> bool:
    """Whether the export form offers "full data" to this person at all."""
    return identifiers_visible_to(actor) or sealed_identity_visible_to(actor)


def case_policy(actor: Actor, *, full_data: bool) -> CasePolicy:
    """Full data only when asked for and allowed; evaluated again when a job runs."""
    if not full_data:
        return CasePolicy()
    return CasePolicy(
        unmask=identifiers_visible_to(actor), sealed=sealed_identity_visible_to(actor)
    )


def _ordering(ordering: str) -> tuple[str, str]:
    return (ordering, "-pk" if ordering.startswith("-") else "pk")


def case_export_queryset(
    actor: Actor, filters: CaseFilters, ordering: str, now: dt.datetime, policy: CasePolicy
) -> QuerySet:
    """The visible cases matching `filters` as named rows, in the queue's order (then id)."""
    fields = _BASE_FIELDS + (("sealed_reporter_identity",) if policy.sealed else ())
    cases = case_list_for(actor, filters, now).select_related(None).prefetch_related(None)
    return cases.order_by(*_ordering(ordering)).values_list(*fields, named=True)


def case_headers(policy: CasePolicy, tz_name: str) -> list[str]:
    at = _("%(label)s (hora de %(tz)s)")
    headers = [
        _("Folio"),
        _("Tipo"),
        _("Servicio (clave)"),
        _("Servicio"),
        _("Canal"),
        _("Oficina"),
        _("Dirección"),
        _("Área"),
        _("Responsable"),
        _("Estado"),
        _("Prioridad"),
        _("Asunto"),
        at % {"label": _("Recibido"), "tz": tz_name},
        at % {"label": _("Vence"), "tz": tz_name},
        _("Estado del plazo"),
        at % {"label": _("Primera respuesta"), "tz": tz_name},
        at % {"label": _("Resuelto"), "tz": tz_name},
        _("Transferencias"),
        _("Reaperturas"),
        _("Referencia externa"),
        _("Denuncia anónima"),
        _("Contacto"),
        _("Tipo de contacto"),
        _("NSS"),
        _("CURP"),
        _("RFC"),
        _("Correo electrónico"),
        _("Teléfono"),
    ]
    if policy.sealed:
        headers.append(_("Identidad reservada del denunciante"))
    return headers


def case_widths(policy: CasePolicy) -> Sequence[int]:
    return WIDTHS + CONTACT_WIDTHS + ((40,) if policy.sealed else ())


def _labels(choices: Any) -> dict[Any, str]:
    return {value: str(label) for value, label in choices}


def case_rows(
    rows: Iterable[Any], policy: CasePolicy, names: CatalogNames, now: dt.datetime
) -> Iterator[list[Any]]:
    """One list of cell values per case row of :func:`case_export_queryset`."""
    kinds, statuses = _labels(CaseKind.choices), _labels(CaseStatus.choices)
    priorities, sla_states = _labels(Priority.choices), _labels(SlaState.choices)
    contact_types = _labels(Contact.Type.choices)
    name = names.name
    for row in rows:
        has_contact = row.contact_id is not None
        values = [
            row.folio,
            kinds.get(row.kind, row.kind),
            names.code("service", row.service_id),
            name("service", row.service_id),
            name("channel", row.channel_id),
            name("office", row.office_id),
            name("directorate", row.directorate_id),
            name("area", row.area_id),
            row.assignee__username or "",
            statuses.get(row.status, row.status),
            priorities.get(row.priority, row.priority),
            row.subject,
            row.received_at,
            row.resolution_due_at,
            sla_states.get(state := sla_state_at(row, now), state),
            row.first_response_at,
            row.resolved_at,
            row.transfer_count,
            row.reopen_count,
            row.external_reference or "",
            row.anonymous,
        ]
        if has_contact:
            full_name = " ".join(
                part
                for part in (
                    row.contact__given_names,
                    row.contact__first_surname,
                    row.contact__second_surname,
                )
                if part
            )
            identifiers = (
                row.contact__nss or "",
                row.contact__curp or "",
                row.contact__rfc or "",
                row.contact__email or "",
                row.contact__phone or "",
            )
            if not policy.unmask:
                nss, curp, rfc, email, phone = identifiers
                identifiers = (
                    mask_value(nss),
                    mask_value(curp),
                    mask_value(rfc),
                    mask_email(email),
                    mask_value(phone),
                )
            values += [full_name, contact_types.get(row.contact__type, ""), *identifiers]
        else:
            values += ["", "", "", "", "", "", ""]
        if policy.sealed:
            values.append(row.sealed_reporter_identity if row.anonymous else "")
        yield values


def logged(
    rows: Iterable[Any], policy: CasePolicy, actor: Actor, now: dt.datetime
) -> Iterator[Any]:
    """`rows` unchanged, logging what leaves whole (SPEC §9) in batches as the export goes: each
    contact exported with full identifiers (reason ``export``), and each sealed identity
    exported to the integrity role (reason ``sealed_identity``)."""
    user = actor.user
    if not (policy.unmask or policy.sealed) or user is None:
        yield from rows
        return
    contacts: list[tuple[int | None, int | None]] = []
    sealed: list[int] = []

    def flush() -> None:
        if contacts:
            contact_views_log(user, contacts, now)
            contacts.clear()
        if sealed:
            sealed_identity_views_log(user, sealed, now)
            sealed.clear()

    for row in rows:
        if policy.unmask and row.contact_id is not None:
            contacts.append((row.contact_id, row.pk))
        if policy.sealed and row.anonymous and row.sealed_reporter_identity:
            sealed.append(row.pk)
        if len(contacts) + len(sealed) >= CHUNK:
            flush()
        yield row
    flush()
