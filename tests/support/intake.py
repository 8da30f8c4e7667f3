"""Shared set-up for the intake page tests: a frozen clock and a valid form body."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

MEXICO = ZoneInfo("America/Mexico_City")
# Friday 13 November 2026, 10:00 in Mexico City; Monday 16 November is an official holiday.
NOW = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MEXICO)
ANA_NSS = "92919084431"
ANA_CURP = "BOXW310820HNERXN09"
NEW_URL = "/atencion/registro/"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_body(**overrides: Any) -> dict[str, Any]:
    """A queja about a Cesi, by a new contact, on the CESI channel at the agent's office."""
    body: dict[str, Any] = {
        "_action": "save",
        "channel": "CESI",
        "office": "CESI_CDMX_BENITO_JUAREZ",
        "service": "QUEJA_ATENCION_CESI",
        "nss": ANA_NSS,
        "curp": "",
        "rfc": "",
        "given_names": "Ana",
        "first_surname": "Pérez",
        "second_surname": "López",
        "email": "ana@example.com",
        "phone": "5512345678",
        "contact_type": "derechohabiente",
        "subject": "Espera excesiva",
        "description": "Me hicieron esperar tres horas en ventanilla.",
        "priority": "normal",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}
