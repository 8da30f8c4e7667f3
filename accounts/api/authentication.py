"""`Authorization: Token <key>` for API clients (SPEC §8).

A key is ``<prefix>.<secret>`` (see ``accounts.services.api_client_create``). The prefix finds
the active client row; the SHA-256 digest of the whole key is compared in constant time with
the stored one. The row is read on every request, so a deactivated client or a changed key or
scope takes effect on the very next request; the same query carries the catalog's fingerprint
(``infonavit_atencion.core.request_stamps``). Unknown prefix, wrong secret, inactive client or a malformed header: 401 with
``WWW-Authenticate: Token``.

Principal: on success DRF gets ``(AnonymousUser(), client)``, so ``request.auth`` is the
:class:`~accounts.models.ApiClient` and ``request.user`` stays anonymous (DRF copies
``request.user`` onto the Django request, where django-simple-history would otherwise try to
store the client as the ``history_user`` of every change it records). Read the caller with
:func:`request_api_client` / :func:`request_staff_user`, never with
``request.user.is_authenticated`` alone.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import ApiClient
from accounts.services import api_key_digest
from infonavit_atencion.core.request_stamps import stamps_store

from .client_lookup import active_client_by_prefix

KEYWORD = "Token"
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Compared against when the prefix is unknown, so that both failures cost the same work.
_DUMMY_DIGEST = api_key_digest("desconocido.desconocido")


def request_api_client(request: Request) -> ApiClient | None:
    """The API client that authenticated this request, or ``None`` (session user, anonymous)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


def request_staff_user(request: Request) -> AbstractBaseUser | None:
    """The logged-in browser user of this request, or ``None`` (API client, anonymous)."""
    if request_api_client(request) is not None:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


def api_client_touch(client: ApiClient, now: datetime) -> None:
    """Record use at most once a minute: a conditional UPDATE, skipped while fresh in memory."""
    threshold = now - LAST_USED_RESOLUTION
    if client.last_used_at is not None and client.last_used_at > threshold:
        return
    ApiClient.objects.filter(pk=client.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold)
    ).update(last_used_at=now)
    client.last_used_at = now


class ApiClientTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <prefix>.<secret>` → ``(AnonymousUser(), ApiClient)``."""

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiClient] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # another scheme or none at all: let session authentication try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Encabezado Authorization inválido: use «Token <llave>».")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as bad:
            raise exceptions.AuthenticationFailed(_("La llave de acceso no es válida.")) from bad
        return AnonymousUser(), self.authenticate_key(key, request.method)

    def authenticate_key(self, key: str, method: str | None = None) -> ApiClient:
        prefix, dot, secret = key.partition(".")
        client = None
        if dot and prefix and secret and len(prefix) <= 12:
            # The catalog fingerprint (and for a write "anything subscribed?") rides along
            # (request_stamps): one round trip, not two or three.
            client = active_client_by_prefix(prefix, method)
        stored = client.key_digest if client is not None else _DUMMY_DIGEST
        if not hmac.compare_digest(api_key_digest(key), stored) or client is None:
            raise exceptions.AuthenticationFailed(_("La llave de acceso no es válida."))
        stamps_store(client)
        api_client_touch(client, timezone.now())
        return client

    def authenticate_header(self, request: Request) -> str:
        # Being first in DEFAULT_AUTHENTICATION_CLASSES, this makes DRF answer 401 (not 403).
        return self.keyword


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular documents the token scheme."""

    target_class = "accounts.api.authentication.ApiClientTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Llave de cliente de la API con el prefijo "Token": '
            "`Authorization: Token <llave>`.",
        }
