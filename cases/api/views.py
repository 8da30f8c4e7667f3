"""Cases API (SPEC §8): one small view per resource, each method one operation.

Every method reads who calls (`request_actor`), reads the clock once, validates its input,
calls one selector or service and serializes the result. A case outside the caller's scope is
404 for every operation (`cases.selectors.detail.case_get_for`), checked before the body is even
validated.
Comments, attachments and the timeline live in :mod:`cases.api.content_views`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.models import Contact
from contacts.services import ContactInput
from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.errors import PermissionDenied, ValidationFailed
from infonavit_atencion.core.json_parser import BoundedJSONParser
from infonavit_atencion.core.pagination import KeysetPagination

from ..events import Actor
from ..representation import case_created_json, cases_json
from ..selectors import access, detail, lists
from ..selectors.filters import CaseListFilterSet, case_filters_from
from ..services.edit import CaseChanges, case_update
from ..services.idempotency import (
    IdempotentAnswer,
    Produced,
    idempotency_key_clean,
    idempotent_create,
    request_fingerprint,
)
from ..services.intake import CaseInput, case_create
from ..services.workflow import TransitionInput, case_transition
from .common import (
    DEFAULT_ORDERING,
    ETAG_HEADER,
    FOLIO_PARAMETER,
    PROBLEM_412,
    PROBLEM_428,
    READ,
    TAGS,
    WRITE,
    case_context,
    case_response,
    case_url,
    entity_tags,
    etag,
    expected_version,
    filter_parameters,
    log_contact_access,
    request_actor,
)
from .serializers import (
    PAGE_SIZE_DEFAULT,
    CaseCreatedOutputSerializer,
    CaseCreateInputSerializer,
    CaseListPagingSerializer,
    CaseOutputSerializer,
    CasePageOutputSerializer,
    CaseUpdateInputSerializer,
    TransitionInputSerializer,
)

# --- /cases/ ------------------------------------------------------------------------------------


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if value else None


def _case_input(data: dict[str, Any], actor: Actor) -> CaseInput:
    channel = _upper(data.get("channel"))
    if channel is None:
        if actor.client is None:
            raise ValidationFailed.single("channel", "required", _("Indique el canal."))
        channel = actor.client.channel.code
    contact = data.get("contact")
    return CaseInput(
        service=_upper(data["service"]) or "",
        channel=channel,
        office=_upper(data.get("office")),
        contact=None
        if contact is None
        else ContactInput(
            given_names=contact["given_names"],
            first_surname=contact["first_surname"],
            second_surname=contact.get("second_surname") or "",
            nss=contact.get("nss") or None,
            curp=contact.get("curp") or None,
            rfc=contact.get("rfc") or None,
            email=contact.get("email") or "",
            phone=contact.get("phone") or "",
            type=contact.get("type") or Contact.Type.DERECHOHABIENTE,
        ),
        anonymous=data.get("anonymous", False),
        sealed_reporter_identity=data.get("reporter_identity", ""),
        subject=data.get("subject", ""),
        description=data["description"],
        priority=data.get("priority", "normal"),
        received_at=data.get("received_at"),
        external_reference=data.get("external_reference") or None,
        instrument_reference=data.get("instrument_reference", ""),
        resolution=data.get("resolution", ""),
        arco_right=data.get("arco_right", ""),
    )


class CaseCollectionApi(APIView):
    """`GET /cases/` lists the visible cases; `POST /cases/` registers one."""

    required_scopes = {"GET": READ, "POST": WRITE}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="cases_list",
        summary="Casos visibles, con filtros y paginación por cursor",
        description=(
            "Varios valores de un filtro van separados por comas (`status=new,assigned`). "
            "`sla_state` filtra por el estado del plazo en el instante de la consulta. "
            "Sigue `next` / `previous` para recorrer las páginas; no se cuentan los resultados."
        ),
        tags=TAGS,
        parameters=[*filter_parameters(CaseListFilterSet), CaseListPagingSerializer],
        responses={200: CasePageOutputSerializer, **problem_responses(400)},
    )
    def get(self, request: Request) -> Response:
        actor = request_actor(request)
        now = timezone.now()
        query = CaseListFilterSet.query_form(request.query_params)
        params = CaseListPagingSerializer(data=request.query_params)
        filters_valid, paging_valid = query.is_valid(), params.is_valid()
        if not (filters_valid and paging_valid):  # every mistake at once, filters first
            raise ValidationError({**translate_validation(query.errors).detail, **params.errors})
        paging = KeysetPagination(
            params.validated_data.get("ordering", DEFAULT_ORDERING),
            params.validated_data.get("page_size", PAGE_SIZE_DEFAULT),
        )
        context = case_context(request, actor, now)
        cases = lists.case_list_for(
            actor,
            case_filters_from(query),
            now,
            catalog=False,
            contacts=context["unmask_identifiers"],
        )
        page = paging.paginate(cases, request)
        log_contact_access(actor, page.results, context)
        results = cases_json(
            page.results, now=now, unmask_identifiers=context["unmask_identifiers"]
        )
        return Response({"next": page.next, "previous": page.previous, "results": results})

    @extend_schema(
        operation_id="cases_create",
        summary="Registrar un caso",
        description=(
            "Con `Idempotency-Key`, un reintento con la misma llave y el mismo cuerpo responde "
            "lo mismo que la primera vez (mismo folio, sin duplicar); con otro cuerpo, 409. "
            "`tracking_code` sólo aparece en esta respuesta. Los datos de `contact` se guardan "
            "con el caso y sus avisos van a ese correo; cambian la base única de contactos sólo "
            "con el alcance contacts:write, y sin contacts:read la respuesta muestra sólo lo "
            "enviado, enmascarado."
        ),
        tags=TAGS,
        request=CaseCreateInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Llave única por reintento lógico (1–255 caracteres ASCII visibles).",
            ),
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[201],
                description="Dirección del caso creado.",
            ),
        ],
        responses={201: CaseCreatedOutputSerializer, **problem_responses(400, 409)},
    )
    def post(self, request: Request) -> Response:
        actor = request_actor(request)
        now = timezone.now()
        raw_key = request.headers.get("Idempotency-Key")
        key = idempotency_key_clean(raw_key) if raw_key is not None else None
        if not access.may_register(actor):
            raise PermissionDenied(_("Su rol no registra casos."))
        serializer = CaseCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _case_input(serializer.validated_data, actor)
        if not access.may_register_at(actor, data.office):
            raise PermissionDenied(_("Un asesor registra casos sólo en su propia oficina."))
        allow_backdating = access.may_backdate(actor)

        def create() -> Produced:
            # The answer is written from the case in memory: nothing is read back. Under a key,
            # idempotent_create's transaction rolls back whole on a refusal (no savepoints),
            # and sends the case's events with the key's row (ADR 0020).
            result = case_create(
                data,
                actor,
                now,
                allow_backdating=allow_backdating,
                savepoint=key is None,
                defer_events=key is not None,
            )
            body = case_created_json(
                result.case,
                now=now,
                unmask_identifiers=access.identifiers_visible_to(actor),
                warnings=result.warnings,
            )
            return Produced(201, body, result.case, result.pending)

        if key is None:
            produced = create()
            answer = IdempotentAnswer(produced.status, produced.body, replayed=False)
        else:
            answer = idempotent_create(actor, key, request_fingerprint(request.data), now, create)
        headers = {"Location": case_url(request, answer.body["folio"])}
        if answer.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(answer.body, status=answer.status, headers=headers)


# --- /cases/{folio}/ ----------------------------------------------------------------------------


class CaseDetailApi(APIView):
    """`GET` one case (with its ETag); `PATCH` its priority or subject (needs If-Match)."""

    required_scopes = {"GET": READ, "PATCH": WRITE}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="cases_retrieve",
        summary="Un caso",
        description=(
            "Con su versión en `ETag`; con `If-None-Match` igual a esa versión responde 304 sin "
            "cuerpo. NSS y CURP enmascarados salvo con el alcance contacts:read."
        ),
        tags=TAGS,
        parameters=[
            FOLIO_PARAMETER,
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="ETag conocido: si el caso no cambió, 304 sin cuerpo.",
            ),
            ETAG_HEADER,
        ],
        responses={
            200: CaseOutputSerializer,
            304: OpenApiResponse(description="El caso no cambió desde ese ETag."),
            **problem_responses(404),
        },
    )
    def get(self, request: Request, folio: str) -> Response:
        actor = request_actor(request)
        now = timezone.now()
        case = detail.case_get_for(
            actor, folio, catalog=False, contacts=access.identifiers_visible_to(actor)
        )
        known = request.headers.get("If-None-Match", "")
        if known and ({"*", str(case.version)} & set(entity_tags(known))):
            return Response(status=304, headers={"ETag": etag(case)})
        return case_response(request, actor, case, now)

    @extend_schema(
        operation_id="cases_partial_update",
        summary="Cambiar la prioridad o el asunto de un caso",
        description="Requiere `If-Match` con el ETag vigente: sin él, 428; si el caso cambió, 412.",
        tags=TAGS,
        request=CaseUpdateInputSerializer,
        parameters=[
            FOLIO_PARAMETER,
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description='ETag del caso que se modifica (`"3"`).',
            ),
            ETAG_HEADER,
        ],
        responses={
            200: CaseOutputSerializer,
            **problem_responses(400, 404, 409),
            **PROBLEM_412,
            **PROBLEM_428,
        },
    )
    def patch(self, request: Request, folio: str) -> Response:
        actor = request_actor(request)
        now = timezone.now()
        detail.case_get_for(actor, folio, catalog=False)
        version = expected_version(request, required=True)
        serializer = CaseUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_update(
            folio, CaseChanges(**serializer.validated_data), actor, now, expected_version=version
        )
        return case_response(request, actor, detail.case_get_by_pk(case.pk), now)


# --- /cases/{folio}/transitions/ ----------------------------------------------------------------


class CaseTransitionApi(APIView):
    required_scopes = {"POST": WRITE}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="cases_transition",
        summary="Aplicar una acción del ciclo de vida",
        description=(
            "take, assign, pause, resume, resolve, close, reopen, cancel, transfer, reclassify, "
            "extend (la única ampliación de un plazo que la admite, antes de que venza). "
            "Una acción que el estado no permite: 409 sin cambios. `If-Match` opcional (412 si "
            "el caso cambió)."
        ),
        tags=TAGS,
        request=TransitionInputSerializer,
        parameters=[
            FOLIO_PARAMETER,
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description='ETag del caso (`"3"`); opcional.',
            ),
            ETAG_HEADER,
        ],
        responses={200: CaseOutputSerializer, **problem_responses(400, 404, 409), **PROBLEM_412},
    )
    def post(self, request: Request, folio: str) -> Response:
        actor = request_actor(request)
        now = timezone.now()
        detail.case_get_for(actor, folio, catalog=False)
        version = expected_version(request, required=False)
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not access.may_act(actor, data["action"]):
            raise PermissionDenied(_("Su rol no permite esta acción sobre el caso."))
        transition = TransitionInput(
            action=data["action"],
            reason=data.get("reason") or "",
            resolution=data.get("resolution") or "",
            assignee=data.get("assignee") or None,
            area=_upper(data.get("area")),
            directorate=_upper(data.get("directorate")),
            service=_upper(data.get("service")),
            arco_right=data.get("arco_right") or "",
        )
        case = case_transition(folio, transition, actor, now, expected_version=version)
        # Answered even if the action moved the case out of the actor's sight (a transfer).
        return case_response(request, actor, detail.case_get_by_pk(case.pk), now)
