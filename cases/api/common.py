"""What every case view shares: who calls, the case answer with its ETag, If-Match, and the
schema pieces (path and header parameters, 412/428 problems)."""

from __future__ import annotations

import logging
from typing import Any, cast

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import FilterSet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import request_api_client, request_staff_user
from contacts.access import personal_data_views_log
from contacts.models import AccessReason
from infonavit_atencion.core.api_errors import ProblemSerializer
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import PreconditionFailed, PreconditionRequired
from infonavit_atencion.core.exceptions import PROBLEM_CONTENT_TYPE

from ..events import Actor
from ..models import Case
from ..representation import case_json
from ..selectors.access import identifiers_visible_to

logger = logging.getLogger("cases.api.contact_access")

READ = [Scope.CASES_READ]
WRITE = [Scope.CASES_WRITE]
TAGS = ["casos"]
DEFAULT_ORDERING = "-received_at"

FOLIO_PARAMETER = OpenApiParameter(
    "folio", str, OpenApiParameter.PATH, description="Folio del caso (p. ej. ATN-2026-00001234)."
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description='Versión del caso entre comillas (`"3"`).',
)


def _problem(status: int, description: str) -> dict[Any, OpenApiResponse]:
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemSerializer, description=description
        )
    }


def filter_parameters(filterset: type[FilterSet]) -> list[OpenApiParameter]:
    """One documented query parameter per filter of `filterset`: a string (a list of values
    goes comma-separated), with a text's length limit, described by the filter's help text."""
    parameters = []
    for name, filter_ in filterset.base_filters.items():
        max_length = filter_.extra.get("max_length")
        schema = {"type": "string", **({"maxLength": max_length} if max_length else {})}
        parameters.append(
            OpenApiParameter(
                name,
                schema,
                OpenApiParameter.QUERY,
                description=filter_.extra.get("help_text", ""),
                allow_blank=not max_length,  # a text filter may not be only spaces
            )
        )
    return parameters


PROBLEM_412 = _problem(412, "El caso cambió: la versión de If-Match ya no es la vigente.")
PROBLEM_428 = _problem(428, "Falta el encabezado If-Match.")


# --- Helpers shared by the case views ---------------------------------------------------------


def request_actor(request: Request) -> Actor:
    """Who calls: the API client, or the logged-in staff user."""
    client = request_api_client(request)
    if client is not None:
        return Actor(client=client)
    return Actor(user=cast(User | None, request_staff_user(request)))


def case_context(request: Request, actor: Actor, now: Any, **extra: Any) -> dict[str, Any]:
    return {
        "request": request,
        "now": now,
        "unmask_identifiers": identifiers_visible_to(actor),
        **extra,
    }


def log_contact_access(actor: Actor, cases: list[Case], context: dict[str, Any]) -> None:
    """Every view of full contact records is logged: who, when, which (SPEC §9) — one
    ContactAccessLog row per case shown with its contact unmasked, in one INSERT."""
    if not context["unmask_identifiers"]:
        return
    seen = [(case.contact_id, case.pk) for case in cases if case.contact_id is not None]
    if seen:
        personal_data_views_log(
            seen,
            context["now"],
            reason=AccessReason.API,
            user=actor.user if actor.client is None else None,
            api_client=actor.client,
        )
        logger.info(
            "Datos completos de contacto vistos por %s en %s: %s",
            actor.label,
            context["now"].isoformat(),
            ", ".join(case.folio for case in cases if case.contact_id is not None),
        )


def etag(case: Case) -> str:
    return f'"{case.version}"'


def entity_tags(header: str) -> list[str]:
    tags = []
    for item in header.split(","):
        tag = item.strip()
        tag = tag.removeprefix("W/")
        tags.append(tag.strip('"'))
    return [tag for tag in tags if tag]


def expected_version(request: Request, *, required: bool) -> int | None:
    """The version named by `If-Match`: None for `*` or (when optional) no header at all."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired(
                _('Indique la versión que modifica con If-Match: "<version>" (el ETag del caso).')
            )
        return None
    tags = entity_tags(header)
    if "*" in tags:
        return None
    if len(tags) != 1 or not tags[0].isdigit():
        raise PreconditionFailed(_("If-Match no corresponde a ninguna versión del caso."))
    return int(tags[0])


def case_response(
    request: Request, actor: Actor, case: Case, now: Any, *, status: int = 200
) -> Response:
    context = case_context(request, actor, now)
    log_contact_access(actor, [case], context)
    data = case_json(case, now=now, unmask_identifiers=context["unmask_identifiers"])
    return Response(data, status=status, headers={"ETag": etag(case)})


def case_url(request: Request, folio: str) -> str:
    return request.build_absolute_uri(reverse("case-detail", args=[folio]))
