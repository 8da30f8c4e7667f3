"""Resolved cases made through the real services, for the survey tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cases.events import Actor
from cases.models import Case
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput
from tests.support.cases import ContactFactory

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
RESOLVED = RECEIVED + dt.timedelta(hours=2)
ANA = ContactFactory(email="ana.perez@example.com")


def resolved_case(agent, staff, contact: ContactInput | None = ANA, **overrides) -> Case:  # type: ignore[no-untyped-def]
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": contact,
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    case = case_create(CaseInput(**values), Actor(user=agent), RECEIVED).case
    routed = case_route(case.pk, RECEIVED, rules=[])
    assert routed is not None
    case_transition(routed.folio, TransitionInput("take"), Actor(user=staff), RECEIVED)
    return case_transition(
        routed.folio,
        TransitionInput("resolve", resolution="Se corrigió la descarga."),
        Actor(user=staff),
        RESOLVED,
    )
