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

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiClient
from accounts.services import api_client_create
from cases.events import Actor
from cases.models import Attachment, Case
from cases.services import attachment_add, comment_add
from cases.tests.api_support import make_case, staff
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope
from webhooks import destinations
from webhooks.services import webhook_subscribe

ANA_NSS = "92919084431"
ANA_CURP = "BOXW310820HNERXN09"
OFFICE = "CESI_CDMX_BENITO_JUAREZ"
DESCRIPTION = "Descripción confidencial del caso objetivo"
PUBLIC_ADDRESS = "93.184.216.34"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLIENT_SCOPES = [Scope.CASES_READ, Scope.CASES_WRITE, Scope.CATALOG_READ, Scope.WEBHOOKS_MANAGE]

# Browser users by role in the world, and which of them see the target case.
INSIDERS = ("agent", "quejas_staff", "sup_delegacion", "sup_operaciones", "supervisor", "admin")
OUTSIDERS = ("agent_tijuana", "cartera_staff", "sup_tijuana", "sup_iztapalapa", "sup_cartera")


def pdf_upload(name: str = "constancia.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def token_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@dataclass
class World:
    case: Case
    attachment: Attachment
    users: dict[str, Any]
    clients: dict[str, ApiClient]
    keys: dict[str, str]

    def api(self, name: str) -> APIClient:
        """An API client authenticated with the token of client `name`."""
        return token_client(self.keys[name])

    def session(self, username: str, *, csrf: bool = False) -> APIClient:
        """A browser session of user `username` (APIClient serves the pages too)."""
        api = APIClient(enforce_csrf_checks=csrf)
        api.force_login(self.users[username])
        return api

    def fresh(self) -> Case:
        return Case.objects.get(pk=self.case.pk)

    def footprint(self) -> tuple[Any, ...]:
        """What any write to the target case would change."""
        case = self.fresh()
        return (
            case.version,
            case.status,
            case.assignee_id,
            case.area_id,
            case.priority,
            case.events.count(),
            case.comments.count(),
            case.attachments.count(),
        )


def _client(name: str, scopes: list[str], channel: str = "CESI") -> tuple[ApiClient, str]:
    return api_client_create(name, channel, [str(scope) for scope in scopes])


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
        contact=ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS, curp=ANA_CURP),
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
