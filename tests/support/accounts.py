"""Users and API clients for the tests, made by the real services through factory_boy
factories, and the run's one test password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import factory
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import ApiClient
from accounts.services import UserPlacement, api_client_create, user_create
from infonavit_atencion.core.api_scopes import Scope

TEST_PASSWORD = f"prueba-{secrets.token_hex(8)}-2026"  # a fresh one per run, never a fixed secret


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user with its profile, made by `user_create` as the CLI and the admin make them;
    the keywords beyond username, role and password are its placement:
    `StaffFactory(username="asesor", role="agent", office_code="CESI_CDMX_BENITO_JUAREZ")`."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"usuario{n}")
    role = "agent"
    password = TEST_PASSWORD

    @classmethod
    def _create(
        cls, model_class: Any, username: str, role: str, password: str, **placement: Any
    ) -> Any:
        return user_create(username, role, password, UserPlacement(**placement))


def token_client(key: str) -> APIClient:
    """An APIClient that sends `key` as its token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@dataclass
class Caller:
    """Another system as the tests drive it: its client row, its key and an APIClient with it."""

    client: ApiClient
    key: str
    api: APIClient


class CallerFactory(factory.Factory):
    """Another system registered by `api_client_create`:
    `CallerFactory(name="SISTEMA_A", scopes=[...], channel="MICUENTA")`."""

    class Meta:
        model = Caller

    name = factory.Sequence(lambda n: f"SISTEMA_{n}")
    channel = "MICUENTA"
    scopes = factory.LazyFunction(lambda: [Scope.CASES_READ, Scope.CASES_WRITE])

    @classmethod
    def _create(
        cls, model_class: type[Caller], name: str, channel: str, scopes: list[str]
    ) -> Caller:
        client, key = api_client_create(name, channel, scopes)
        return model_class(client, key, token_client(key))
