"""Shared set-up of the notice-sweeper tests: cases and the events the notices leave."""

import datetime as dt
from zoneinfo import ZoneInfo

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.services import CaseInput, case_create
from contacts.services import ContactInput

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
PAST_GRACE = dt.timedelta(minutes=10)  # the default grace is five minutes
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana.perez@example.com"
)
NOTHING = {
    "acknowledgement": 0,
    "assignment": 0,
    "resolution": 0,
    "extension": 0,
    "calendar_change": 0,
    "public_comment": 0,
    "breach": 0,
}


def sweep_counts(**counts: int) -> dict[str, int]:
    return {**NOTHING, **counts}


def queja(agent, now=RECEIVED, contact=ANA, **overrides) -> Case:  # type: ignore[no-untyped-def]
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": contact,
        "description": "La página falla al descargar mi constancia.",
        "received_at": now,
    }
    values.update(overrides)
    return case_create(CaseInput(**values), Actor(user=agent), now).case


def latest_event(case, kind, **data) -> CaseEvent:  # type: ignore[no-untyped-def]
    lookups = {f"data__{key}": value for key, value in data.items()}
    return CaseEvent.objects.filter(case=case, kind=kind, **lookups).latest("at", "id")


def notified(case, template) -> list[dict]:  # type: ignore[no-untyped-def]
    events = CaseEvent.objects.filter(case=case, kind="notified", data__template=template)
    return [event.data for event in events.order_by("id")]
