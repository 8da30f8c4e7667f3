"""What the webhooks tests share: a fixed instant, token clients and cases registered through
the intake service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework.test import APIClient

from accounts.models import ApiClient
from cases.events import Actor
from cases.models import Case
from cases.services import CaseInput, case_create
from tests.support.cases import ANA_CURP, ContactFactory

T0 = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


def api_for(key: str | None) -> APIClient:
    api = APIClient()
    if key is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def make_case(client: ApiClient | None, now: dt.datetime = T0, **overrides: Any) -> Case:
    """A case registered through the intake service by `client` (or by the system)."""
    values: dict[str, Any] = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": client.channel.code if client is not None else "MICUENTA",
        "description": "La página falla al descargar mi constancia.",
        "contact": ContactFactory(curp=ANA_CURP),
    }
    values.update(overrides)
    actor = Actor(client=client) if client is not None else Actor()
    return case_create(CaseInput(**values), actor, now).case
