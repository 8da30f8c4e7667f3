"""Cases with known histories for the indicator tests, built through the real services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cases.events import Actor, event_record
from cases.models import Case, EventKind
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition, comment_add
from contacts.services import ContactInput

MX = ZoneInfo("America/Mexico_City")
# Wednesday 18 Nov 2026, 10:00 in Mexico City; INSTITUCIONAL is open Mon–Fri 09:00–18:00.
WED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
CONTACT = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431")


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
