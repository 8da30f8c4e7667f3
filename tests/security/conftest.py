"""The attack suite's world (SPEC §9): one target case and people inside and outside its scope.

The target case was registered by the API client ``owner`` on the CESI channel at the Cesi
Benito Juárez (Ciudad de México) and routed to OPERACIONES_QUEJAS; it has a contact with NSS
and CURP, an internal comment and a PDF attachment.

* insiders (may see it): the Benito Juárez agent, OPERACIONES_QUEJAS staff, the supervisor of
  the Delegación CDMX (its Cesi included), the OPERACIONES directorate supervisor, the national
  supervisor, the administrator, ``owner`` and a client with ``cases:read_all``;
* outsiders (must get 404): an agent of another office (Tijuana), staff of another area
  (CARTERA_CANCELACION), supervisors of another office, of a sibling Cesi and of another
  directorate, and ``stranger``, a client with the same scopes that did not create it.

``owner`` also holds a webhook subscription (for the checks on client-owned resources).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import ApiClient
from cases.events import Actor
from cases.models import Case
from cases.services import attachment_add, comment_add
from infonavit_atencion.core.api_scopes import Scope
from tests.support.accounts import CallerFactory
from tests.support.cases import ContactFactory, make_case, staff
from webhooks import destinations
from webhooks.services import webhook_subscribe

from .support import (
    ANA_CURP,
    ANA_NSS,
    CLIENT_SCOPES,
    DESCRIPTION,
    OFFICE,
    PUBLIC_ADDRESS,
    World,
    pdf_upload,
)


def _client(name: str, scopes: list[str], channel: str = "CESI") -> tuple[ApiClient, str]:
    caller = CallerFactory(name=name, scopes=[str(scope) for scope in scopes], channel=channel)
    return caller.client, caller.key


@pytest.fixture
def world(agent, area_staff, supervisor, admin_user, monkeypatch) -> World:  # type: ignore[no-untyped-def]
    users = {
        "agent": agent,
        "cartera_staff": area_staff,
        "supervisor": supervisor,
        "admin": admin_user,
        "quejas_staff": staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS"),
        "sup_delegacion": staff("sup_cdmx", "supervisor", office_code="DEL_CDMX"),
        "sup_operaciones": staff("sup_oper", "supervisor", directorate_code="OPERACIONES"),
        "agent_tijuana": staff("asesor_tijuana", "agent", office_code="CESI_TIJUANA"),
        "sup_tijuana": staff("sup_tijuana", "supervisor", office_code="CESI_TIJUANA"),
        "sup_iztapalapa": staff("sup_iztapalapa", "supervisor", office_code="CESI_CDMX_IZTAPALAPA"),
        "sup_cartera": staff("sup_cartera", "supervisor", directorate_code="CARTERA"),
    }
    clients, keys = {}, {}
    for name, scopes in (
        ("owner", CLIENT_SCOPES),
        ("stranger", CLIENT_SCOPES),
        ("reader_all", [*CLIENT_SCOPES, Scope.CASES_READ_ALL]),
    ):
        clients[name], keys[name] = _client(f"sistema_{name}", scopes)
    owner = Actor(client=clients["owner"])
    case = make_case(
        owner,
        office=OFFICE,
        subject="Asunto del caso objetivo",
        description=DESCRIPTION,
        contact=ContactFactory(nss=ANA_NSS, curp=ANA_CURP),
    )
    now = timezone.now()
    comment_add(case.folio, "Nota interna del caso objetivo", False, owner, now)
    attachment = attachment_add(case.folio, pdf_upload(), owner, now)
    with monkeypatch.context() as patch:  # a public name, resolved without the network
        patch.setattr(destinations, "resolve_host", lambda host, port: [PUBLIC_ADDRESS])
        webhook_subscribe(
            clients["owner"], "https://hooks.example.com/x", ["case.sla_breached"], None, now=now
        )
    return World(Case.objects.get(pk=case.pk), attachment, users, clients, keys)
