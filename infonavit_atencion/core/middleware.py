"""Requests refused before any view (or the CSRF check) reads them.

* A NUL character in the address or the query string: 400. PostgreSQL cannot store or compare
  text holding one, so it would otherwise end in a 500 wherever a parameter reaches a query.
* A body larger than any form or upload the site takes: 413, judged by ``Content-Length``
  before a byte is read. The API's JSON parser reads a body whole into memory, and a multipart
  upload is spooled to disk before the attachment rules see its size; both are bounded here.
  Multipart bodies may carry one attachment (``ATTACHMENT_MAX_BYTES``) plus the form around it;
  any other body is bounded by Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

Under ``/api/`` the refusal is a problem body (application/problem+json), elsewhere plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .api_errors import API_PATH_PREFIX, problem_json_response

# Multipart boundaries, part headers and the form fields that travel with a file.
FORM_OVERHEAD_BYTES = 64 * 1024


def body_limit(request: HttpRequest) -> int | None:
    """The largest body this request may carry, in bytes (None: no limit)."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        return int(settings.ATTACHMENT_MAX_BYTES) + FORM_OVERHEAD_BYTES
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else int(limit)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _refusal(request: HttpRequest, status: int, code: str, title: str, detail: str) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIX):
        return problem_json_response(status, code, title, detail)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return _refusal(
                request,
                400,
                "bad_request",
                _("Solicitud mal formada"),
                _("La dirección o sus parámetros llevan un carácter nulo (%00), que no se admite."),
            )
        limit = body_limit(request)
        if limit is not None and _declared_length(request) > limit:
            return _refusal(
                request,
                413,
                "too_large",
                _("Solicitud demasiado grande"),
                _("El cuerpo de la solicitud pasa del máximo de %(n)d bytes.") % {"n": limit},
            )
        return self.get_response(request)
