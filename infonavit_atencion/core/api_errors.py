"""Problem bodies outside DRF views, and their description in the OpenAPI schema.

* :func:`handler404` answers unknown URLs under ``/api/`` with ``application/problem+json``
  (the same body as :mod:`infonavit_atencion.core.exceptions`) and every other URL with
  Django's HTML page. Django calls it only with ``DEBUG = False``.
* :func:`handler403` does the same for a refusal raised outside DRF's views (DRF's own 403s
  go through the one exception handler); elsewhere the ``403.html`` page.
* :func:`handler500` answers an uncaught database failure (raised by a page, or by the session
  and authentication middleware before any view, API ones included) with 503 and
  ``Retry-After`` — a problem body under ``/api/``, a short page elsewhere — and anything else
  with Django's 500 page.
* :class:`ProblemSerializer` and :func:`problem_responses` document those bodies in
  ``extend_schema(responses=…)``.
"""

from __future__ import annotations

import sys
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, permission_denied, server_error
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .exceptions import (
    DATABASE_ERRORS,
    DATABASE_RETRY_AFTER,
    DATABASE_UNAVAILABLE_DETAIL,
    DATABASE_UNAVAILABLE_TITLE,
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_BASE,
)

API_PATH_PREFIX = "/api/"


def problem_json_response(status: int, code: str, title: str, detail: str) -> JsonResponse:
    body = {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail}
    return JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIX):
        return problem_json_response(
            404,
            "not_found",
            _("No encontrado"),
            _("No existe ningún recurso en la dirección %(path)s.") % {"path": request.path},
        )
    return page_not_found(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIX):
        return problem_json_response(
            403,
            "permission_denied",
            _("No tiene permiso para realizar esta acción"),
            _("Su usuario o su llave no tiene permiso para %(path)s.") % {"path": request.path},
        )
    return permission_denied(request, exception)  # type: ignore[arg-type]


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block: the exception is the one being handled.
    if not isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return server_error(request)
    if request.path.startswith(API_PATH_PREFIX):
        response: HttpResponse = problem_json_response(
            503,
            "database_unavailable",
            str(DATABASE_UNAVAILABLE_TITLE),
            str(DATABASE_UNAVAILABLE_DETAIL),
        )
    else:
        # Rendered without the request: its context processors would query the database.
        response = HttpResponse(render_to_string("web/unavailable.html"), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Campo con el problema (p. ej. «year»).")
    code = serializers.CharField(help_text="Código estable del error (p. ej. «max_value»).")
    message = serializers.CharField(help_text="Mensaje en español.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every API error is answered."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = FieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text="Sólo en errores de validación."
    )


_DESCRIPTIONS = {
    400: "Solicitud inválida (errores por campo en `errors`).",
    401: "Sin credenciales o con una llave inválida.",
    403: "Falta un alcance o el rol no lo permite.",
    404: "No existe.",
    405: "Método no permitido.",
    409: "Conflicto con el estado actual.",
    413: "Cuerpo de la solicitud demasiado grande.",
    429: "Demasiadas solicitudes; reintente tras `Retry-After` segundos.",
    501: "Aún no disponible en esta versión.",
}


def problem_responses(*statuses: int) -> dict[Any, OpenApiResponse]:
    """``{(status, "application/problem+json"): OpenApiResponse(Problem)}`` for extend_schema.

    400, 401, 403, 413 and 429 are included always: every authenticated, throttled endpoint may
    answer them (400 and 413 come from `core.middleware` too: a NUL character in the address,
    an oversized body).
    """
    wanted = sorted({*statuses, 400, 401, 403, 413, 429})
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemSerializer, description=_DESCRIPTIONS.get(status, "Error.")
        )
        for status in wanted
    }
