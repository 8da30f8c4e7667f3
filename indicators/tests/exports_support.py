"""Shared set-up of the export tests: cases with full contact data, and reading files back."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import UserProfile
from cases.events import Actor
from cases.models import Case
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create
from cases.tests.api_support import ANA_CURP, ANA_NSS, make_case, staff
from contacts.services import ContactInput

ANA = ContactInput(
    given_names="Ana",
    first_surname="Pérez",
    second_surname="López",
    nss=ANA_NSS,
    curp=ANA_CURP,
    email="ana.perez@example.com",
    phone="5512345678",
)
CESI = "CESI_CDMX_BENITO_JUAREZ"
SEALED = "Juan Gómez, 55 1234 5678"


def cesi_case(actor: Actor, **overrides: Any) -> Case:
    """A precalificación at the agent's Cesi, for Ana (full contact data)."""
    values = {"service": "PRECALIFICACION", "channel": "CESI", "office": CESI}
    values.update(overrides)
    return make_case(actor, contact=ANA, **values)


def portal_case(actor: Actor, **overrides: Any) -> Case:
    """A queja on the portal (no office): OPERACIONES_QUEJAS."""
    return make_case(actor, contact=ANA, **overrides)


def anonymous_denuncia(actor: Actor) -> Case:
    now = timezone.now()
    case = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="MICUENTA",
            contact=None,
            anonymous=True,
            sealed_reporter_identity=SEALED,
            description="Un gestor cobra por tramitar créditos.",
        ),
        actor,
        now,
    ).case
    case_route(case.pk, now, rules=[])
    return Case.objects.get(pk=case.pk)


def integrity_officer():  # type: ignore[no-untyped-def]
    """Area staff of OPERACIONES_INTEGRIDAD holding the dedicated sealed-identity role."""
    user = staff("integridad", "area_staff", area_code="OPERACIONES_INTEGRIDAD")
    UserProfile.objects.filter(user=user).update(can_view_sealed_identity=True)
    user.refresh_from_db()
    return user


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes, sheet: str | None = None) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header, *data = rows
    return [dict(zip(header, row, strict=False)) for row in data]
