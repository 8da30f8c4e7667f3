"""The case JSON (SPEC §8) as plain dicts: what the API answers and webhooks deliver.

:class:`cases.api.serializers.CaseOutputSerializer` documents this shape in the OpenAPI schema;
``cases/tests/test_representation.py`` checks that both render every kind of case identically
(field order included). Writing the dict directly costs a small fraction of DRF's per-field
machinery, which matters on a page of 100 cases and on every intake.

Catalog codes come from a relation the case already has loaded (a case just created holds its
service, channel … in memory), otherwise from the process's catalog snapshot
(:mod:`cases.catalog_cache`): one query per call, however many cases and relations. Contact and
assignee are read through the case: load them with ``select_related`` (see
``cases.selectors.relations.with_case_output_relations``).

Instants are ISO 8601 in the current timezone with their offset, exactly as DRF writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import ForeignKey
from django.utils import timezone

from .catalog_cache import CODE_MODELS, CatalogSnapshot, catalog_snapshot
from .models import Case
from .sla.policy import sla_state_at

VISIBLE_CHARACTERS = 4
_RELATIONS: dict[str, ForeignKey] = {
    name: Case._meta.get_field(name)  # type: ignore[misc]
    for name in CODE_MODELS
}


def mask_identifier(value: str | None) -> str | None:
    """``*******4431``: only the last four characters of an NSS or CURP stay visible."""
    if not value:
        return value
    hidden = max(len(value) - VISIBLE_CHARACTERS, 0)
    return "*" * hidden + value[hidden:] if hidden else "*" * len(value)


def _instant(value: dt.datetime | None, zone: Any) -> str | None:
    if not value:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class _Codes:
    """Codes of a case's catalog relations; the snapshot is read at most once, when needed."""

    def __init__(self, catalog: CatalogSnapshot | None = None) -> None:
        self.catalog = catalog

    def __call__(self, case: Case, relation: str) -> str | None:
        field = _RELATIONS[relation]
        if field.is_cached(case):
            related = field.get_cached_value(case)
            return None if related is None else str(related.code)  # type: ignore[attr-defined]
        pk = getattr(case, field.attname)
        if pk is None:
            return None
        if self.catalog is None:
            self.catalog = catalog_snapshot()
        return self.catalog.code(relation, pk)


def _contact(case: Case, unmask: bool) -> dict[str, Any] | None:
    if case.contact_id is None:
        return None
    # SPEC §8: a viewer who may read the contact base (contacts:read) sees its record whole;
    # anyone else sees only the details the case came with, masked (SPEC §9) — never what the
    # base holds about a person the sender merely named by NSS or CURP.
    details: Any = case.contact if unmask else case.contact_as_sent
    assert details is not None
    shown = (lambda value: value) if unmask else mask_identifier
    return {
        "given_names": _text(details.given_names),
        "first_surname": _text(details.first_surname),
        "second_surname": _text(details.second_surname),
        "type": details.type,
        "nss": shown(details.nss or None),
        "curp": shown(details.curp or None),
        "rfc": shown(_text(details.rfc)),
        "email": shown(_text(details.email)),
        "phone": shown(_text(details.phone)),
    }


def _document(
    case: Case, now: dt.datetime, unmask: bool, codes: _Codes, zone: ZoneInfo | Any
) -> dict[str, Any]:
    assignee = case.assignee.username if case.assignee_id is not None else None  # type: ignore[union-attr]
    return {
        "folio": str(case.folio),
        "kind": case.kind,
        "status": case.status,
        "priority": case.priority_name,
        "service": codes(case, "service"),
        "channel": codes(case, "channel"),
        "office": codes(case, "office"),
        "directorate": codes(case, "directorate"),
        "area": codes(case, "area"),
        "assignee": assignee,
        "contact": _contact(case, unmask),
        "subject": _text(case.subject),
        "description": _text(case.description),
        "received_at": _instant(case.received_at, zone),
        "created_at": _instant(case.created_at, zone),
        "updated_at": _instant(case.updated_at, zone),
        "sla": {
            "first_response_due_at": _instant(case.first_response_due_at, zone),
            "resolution_due_at": _instant(case.resolution_due_at, zone),
            "warn_at": _instant(case.warn_at, zone),
            "first_response_at": _instant(case.first_response_at, zone),
            "resolved_at": _instant(case.resolved_at, zone),
            "state": sla_state_at(case, now),
            "calendar": codes(case, "sla_calendar"),
        },
        "external_reference": _text(case.external_reference),
        "version": int(case.version),
    }


def case_json(case: Case, *, now: dt.datetime, unmask_identifiers: bool = False) -> dict[str, Any]:
    """One case as the API prints it (``now``: the instant of its SLA state)."""
    return _document(case, now, unmask_identifiers, _Codes(), timezone.get_current_timezone())


def cases_json(
    cases: Iterable[Case], *, now: dt.datetime, unmask_identifiers: bool = False
) -> list[dict[str, Any]]:
    """A page of cases, reading the catalog snapshot at most once."""
    codes, zone = _Codes(), timezone.get_current_timezone()
    return [_document(case, now, unmask_identifiers, codes, zone) for case in cases]


def case_created_json(
    case: Case, *, now: dt.datetime, unmask_identifiers: bool, warnings: Sequence[str]
) -> dict[str, Any]:
    """The creation answer: the case JSON with its tracking code (second) and the warnings."""
    data = case_json(case, now=now, unmask_identifiers=unmask_identifiers)
    return {
        "folio": data.pop("folio"),
        "tracking_code": str(case.tracking_code),
        **data,
        "warnings": [str(warning) for warning in warnings],
    }


def case_document(case: Case, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The case JSON for other apps (webhooks): as an API client WITHOUT ``contacts:read``
    sees it — the contact details the case came with, masked — and never with the tracking
    code, whatever the scopes of the subscriber. Plain JSON types."""
    return case_json(case, now=now or timezone.now(), unmask_identifiers=False)


def case_documents(cases: Iterable[Case], *, now: dt.datetime) -> list[dict[str, Any]]:
    """:func:`case_document` of several cases, reading the catalog snapshot at most once."""
    return cases_json(cases, now=now, unmask_identifiers=False)
