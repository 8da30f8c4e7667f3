"""Cases with known histories for the indicator tests, built through the real services;
cases with full contact data for the export tests, and their files read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import UserProfile
from cases.events import Actor, event_record
from cases.models import Case, EventKind
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition, comment_add
from tests.support.cases import ANA_CURP, ContactFactory, make_case, staff

MX = ZoneInfo("America/Mexico_City")
# Wednesday 18 Nov 2026, 10:00 in Mexico City; INSTITUCIONAL is open Mon–Fri 09:00–18:00.
WED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
CONTACT = ContactFactory()


def new_case(
    actor: Actor,
    at: dt.datetime,
    *,
    service: str = "QUEJA_CANALES_DIGITALES",
    channel: str = "MICUENTA",
    route: bool = True,
    resolution: str = "",
    received_at: dt.datetime | None = None,
    **extra,
) -> Case:  # type: ignore[no-untyped-def]
    case = case_create(
        CaseInput(
            service=service,
            channel=channel,
            contact=CONTACT,
            description="Descripción del caso.",
            resolution=resolution,
            received_at=received_at or at,
            **extra,
        ),
        actor,
        at,
        allow_backdating=True,
    ).case
    if route and not resolution:
        routed = case_route(case.pk, at, rules=[])
        assert routed is not None
        case = routed
    return case


def act(case: Case, action: str, actor: Actor, at: dt.datetime, **kwargs) -> Case:  # type: ignore[no-untyped-def]
    defaults = {
        "pause": {"reason": "Falta un documento"},
        "reopen": {"reason": "No quedó resuelto"},
        "cancel": {"reason": "Duplicado"},
        "resolve": {"resolution": "Se atendió."},
        "transfer": {"reason": "Corresponde a otra área"},
        "extend": {"reason": "Se consultan expedientes de la delegación"},
    }
    values = {**defaults.get(action, {}), **kwargs}
    return case_transition(case.folio, TransitionInput(action=action, **values), actor, at)


def respond(case: Case, actor: Actor, at: dt.datetime) -> None:
    comment_add(case.folio, "Estamos revisando su caso.", True, actor, at)


def survey(case: Case, at: dt.datetime, csat: int, nps: int) -> None:
    """The event the surveys app writes when a citizen answers (SPEC §7)."""
    fresh = Case.objects.get(pk=case.pk)
    event_record(fresh, EventKind.SURVEY_ANSWERED, Actor(), at, {"csat": csat, "nps": nps})


ANA = ContactFactory(
    second_surname="López", curp=ANA_CURP, email="ana.perez@example.com", phone="5512345678"
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
