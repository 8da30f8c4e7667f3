"""Scopes for API clients, profiles for browser users (SPEC §8, §9).

``HasScope`` is the API's default permission class. A view opts API clients in by declaring
the scopes each method needs::

    class ServiceListApi(APIView):
        required_scopes = {"GET": [Scope.CATALOG_READ]}   # or just [Scope.CATALOG_READ]

* API client: needs every scope listed for the method; HEAD and OPTIONS count as GET. A view
  (or a method) that declares no scopes is closed to API clients (403).
* Browser (session) user: needs a ``UserProfile`` (superusers pass without one); no scopes.
  A view may narrow this with ``session_roles = {Role.ADMIN, …}``. What a role may see inside
  the endpoint (cases of its office, area …) is the selectors' business, not this class's.
* Nobody authenticated: DRF answers 401, because the token authentication (first in
  ``DEFAULT_AUTHENTICATION_CLASSES``) provides a ``WWW-Authenticate`` header.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .authentication import request_api_client

ScopeDeclaration = Mapping[str, Iterable[str]] | Iterable[str]


def required_scopes_for(view: Any, method: str) -> list[str] | None:
    """The scopes ``view`` needs for ``method``; ``None`` when it does not admit API clients."""
    declared: ScopeDeclaration | None = getattr(view, "required_scopes", None)
    if declared is None:
        return None
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, Mapping):
        method = "GET" if method in ("HEAD", "OPTIONS") else method
        scopes = declared.get(method)
        return None if scopes is None else [str(scope) for scope in scopes]
    return [str(scope) for scope in declared]


def _implements(view: Any, method: str) -> bool:
    name = method.lower()
    return name in getattr(view, "http_method_names", ()) and hasattr(view, name)


class HasScope(BasePermission):
    message: Any = gettext_lazy("No tiene permiso para realizar esta acción.")

    def has_permission(self, request: Request, view: Any) -> bool:
        client = request_api_client(request)
        if client is not None:
            method = request.method or "GET"
            if not _implements(view, method):
                return True  # let the view answer 405 rather than a misleading 403
            return self._client_allowed(client.scopes, method, view)
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # DRF turns this into 401 (no successful authenticator)
        if getattr(user, "is_superuser", False):
            return True
        try:
            profile = user.profile
        except (AttributeError, ObjectDoesNotExist):
            self.message = _("Su usuario no tiene un perfil asignado; pida uno a un administrador.")
            return False
        roles = getattr(view, "session_roles", None)
        if roles is not None and profile.role not in {str(role) for role in roles}:
            self.message = _("Su rol no permite realizar esta acción.")
            return False
        return True

    def _client_allowed(self, granted: list[str], method: str, view: Any) -> bool:
        required = required_scopes_for(view, method)
        if required is None:
            self.message = _("Los clientes de la API no tienen acceso a esta operación.")
            return False
        missing = [scope for scope in required if scope not in granted]
        if missing:
            self.message = _("Al cliente de la API le falta el alcance %(scopes)s.") % {
                "scopes": ", ".join(f"«{scope}»" for scope in missing)
            }
            return False
        return True
