"""One exception handler for the API: every error becomes application/problem+json (RFC 9457)."""

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from .errors import ApplicationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://atencion.infonavit.local/problemas/"
# The database down, restarting, or this connection dropped: 503, asking to retry after
# DATABASE_RETRY_AFTER seconds (here for DRF views, in `api_errors.handler500` elsewhere).
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER = 5
DATABASE_UNAVAILABLE_TITLE = _lazy("Servicio no disponible temporalmente")
DATABASE_UNAVAILABLE_DETAIL = _lazy(
    "La base de datos no está disponible; reintente en unos segundos."
)

logger = logging.getLogger(__name__)

# Problem titles for DRF's own exceptions: their default_detail may carry placeholders
# ("Método \"{method}\" no permitido.") and reads as a sentence rather than a title.
_DRF_TITLES = {
    "not_authenticated": _lazy("No autenticado"),
    "authentication_failed": _lazy("Credenciales inválidas"),
    "permission_denied": _lazy("No tiene permiso para realizar esta acción"),
    "not_found": _lazy("No encontrado"),
    "method_not_allowed": _lazy("Método no permitido"),
    "not_acceptable": _lazy("Formato de respuesta no disponible"),
    "unsupported_media_type": _lazy("Tipo de contenido no admitido"),
    "parse_error": _lazy("Solicitud mal formada"),
    "throttled": _lazy("Demasiadas solicitudes"),
}


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(title),
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = Response(body, status=status, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _flatten_drf_errors(data: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error dict into [{field, code, message}]."""
    out: list[dict[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            field = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                field = prefix or "non_field_errors"
            out.extend(_flatten_drf_errors(value, field))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict):
                out.extend(_flatten_drf_errors(item, f"{prefix}[{index}]"))
            else:
                out.extend(_flatten_drf_errors(item, prefix))
    else:
        code = getattr(data, "code", "invalid") or "invalid"
        out.append({"field": prefix or "non_field_errors", "code": str(code), "message": str(data)})
    return out


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DATABASE_ERRORS):
        # The database is down, restarting, or dropped this connection (SPEC §10). Every write
        # is one transaction, so nothing partial stays behind: the client may retry (with the
        # same Idempotency-Key for an intake). Django drops the broken connection after the
        # response, and the next request opens a new one.
        logger.warning("Base de datos no disponible: %s", exc.__class__.__name__, exc_info=True)
        return problem_response(
            503,
            "database_unavailable",
            str(DATABASE_UNAVAILABLE_TITLE),
            str(DATABASE_UNAVAILABLE_DETAIL),
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        )
    if isinstance(exc, ApplicationError):
        return problem_response(
            exc.status,
            exc.code,
            str(exc.title),
            str(exc.detail),
            errors=[e.__dict__ for e in exc.errors] if exc.errors or exc.status == 400 else None,
            extra=exc.extra,
        )
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = drf.NotFound(_("No encontrado."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    response = drf_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, drf.APIException)
    headers = {
        k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    if isinstance(exc, drf.ValidationError):
        return problem_response(
            400,
            "validation",
            _("Los datos enviados no son válidos"),
            _("Revise los campos señalados."),
            errors=_flatten_drf_errors(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    wait = getattr(exc, "wait", None) if isinstance(exc, drf.Throttled) else None
    if wait is not None:
        detail = _("Superó el límite de solicitudes; reintente en %(wait)d segundos.") % {
            "wait": math.ceil(wait)
        }
    return problem_response(
        response.status_code,
        exc.default_code,
        str(_DRF_TITLES.get(exc.default_code, exc.default_detail)),
        detail,
        headers=headers,
    )
