"""The attack suite's names and its `World` (the `world` fixture in `conftest` builds it):
who is inside and outside the target case's scope, uploads and token clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import ApiClient
from cases.models import Attachment, Case
from infonavit_atencion.core.api_scopes import Scope
from tests.support.accounts import token_client

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
