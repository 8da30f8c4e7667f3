"""Set-up the tests of many apps share: callers of every kind (staff users, API clients,
sessions), a valid API body and cases made through the real intake service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from rest_framework.test import APIClient
from stdnum import luhn

from accounts.models import ApiClient
from cases.events import Actor
from cases.models import Case
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope

from .accounts import CallerFactory, StaffFactory

PROBLEM = "application/problem+json"
ANA_NSS = "92919084431"
ANA_CURP = "BOXW310820HNERXN09"
READ_WRITE = [Scope.CASES_READ, Scope.CASES_WRITE]


def nss(serial: int) -> str:
    """A valid NSS (Luhn check digit) for `serial`."""
    base = f"{serial:010d}"
    return base + luhn.calc_check_digit(base)


class ContactFactory(factory.Factory):
    """Ana Pérez, with her NSS, as the intake service receives a contact; add or change any
    field: `ContactFactory(curp=ANA_CURP, email="ana@example.com")`."""

    class Meta:
        model = ContactInput

    given_names = "Ana"
    first_surname = "Pérez"
    nss = ANA_NSS


def staff(username: str, role: str, **placement: Any):  # type: ignore[no-untyped-def]
    return StaffFactory(username=username, role=role, **placement)


def session_for(user: Any, *, csrf: bool = False) -> APIClient:
    api = APIClient(enforce_csrf_checks=csrf)
    api.force_login(user)
    return api


def client_for(
    name: str, scopes: list[str], channel: str = "MICUENTA"
) -> tuple[APIClient, ApiClient]:
    caller = CallerFactory(name=name, scopes=scopes, channel=channel)
    return caller.api, caller.client


def payload(**overrides: Any) -> dict[str, Any]:
    """A valid POST body: a queja about the portal, filed on MICUENTA."""
    body: dict[str, Any] = {
        "service": "QUEJA_CANALES_DIGITALES",
        "contact": {
            "nss": ANA_NSS,
            "curp": ANA_CURP,
            "given_names": "Ana",
            "first_surname": "Pérez",
            "second_surname": "López",
            "email": "ana@example.com",
            "phone": "5512345678",
        },
        "subject": "No descarga la constancia",
        "description": "La página falla al descargar mi constancia.",
    }
    body.update(overrides)
    return body


def make_case(
    actor: Actor,
    *,
    route: bool = True,
    now: dt.datetime | None = None,
    contact: ContactInput | None = None,
    **overrides: Any,
) -> Case:
    """A case registered through the intake service (and routed with no rules: the service's
    own directorate and area — OPERACIONES_QUEJAS for the default queja)."""
    now = now or timezone.now()
    values: dict[str, Any] = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "description": "La página falla al descargar mi constancia.",
        "contact": contact or ContactFactory(),
    }
    if actor.client is not None:
        values["channel"] = actor.client.channel.code
    values.update(overrides)
    case = case_create(CaseInput(**values), actor, now).case
    if route:
        routed = case_route(case.pk, now, rules=[])
        assert routed is not None
        case = routed
    return Case.objects.get(pk=case.pk)
