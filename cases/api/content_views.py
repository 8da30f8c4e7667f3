"""Comments, attachments and the timeline of a case (SPEC §8). Same rules as `views`: the case
must be visible to the caller (404 otherwise), then one selector or service is called."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.json_parser import BoundedJSONParser

from ..downloads import attachment_response
from ..selectors import detail
from ..services.content import (
    SERVED_CONTENT_TYPES,
    attachment_add,
    comment_add,
)
from .common import FOLIO_PARAMETER, READ, TAGS, WRITE, request_actor
from .content_serializers import (
    AttachmentInputSerializer,
    AttachmentOutputSerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    EventOutputSerializer,
)


class CaseEventsApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(
        operation_id="cases_events_list",
        summary="Línea de tiempo del caso, del evento más antiguo al más reciente",
        tags=TAGS,
        parameters=[FOLIO_PARAMETER],
        responses={200: EventOutputSerializer(many=True), **problem_responses(404)},
    )
    def get(self, request: Request, folio: str) -> Response:
        events = detail.case_events_for(request_actor(request), folio)
        return Response(EventOutputSerializer(events, many=True).data)


class CaseCommentsApi(APIView):
    required_scopes = {"GET": READ, "POST": WRITE}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="cases_comments_list",
        summary="Comentarios del caso (internos y públicos), del más antiguo al más reciente",
        tags=TAGS,
        parameters=[FOLIO_PARAMETER],
        responses={200: CommentOutputSerializer(many=True), **problem_responses(404)},
    )
    def get(self, request: Request, folio: str) -> Response:
        comments = detail.case_comments_for(request_actor(request), folio)
        return Response(CommentOutputSerializer(comments, many=True).data)

    @extend_schema(
        operation_id="cases_comments_create",
        summary="Comentar un caso",
        description=(
            "Un comentario público del personal o de un sistema es la primera respuesta del "
            "caso si aún no la tenía. Un caso cerrado o cancelado no admite comentarios (409)."
        ),
        tags=TAGS,
        request=CommentInputSerializer,
        parameters=[FOLIO_PARAMETER],
        responses={201: CommentOutputSerializer, **problem_responses(400, 404, 409)},
    )
    def post(self, request: Request, folio: str) -> Response:
        actor = request_actor(request)
        detail.case_get_for(actor, folio, catalog=False)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comment_add(
            folio,
            serializer.validated_data["body"],
            serializer.validated_data.get("public", False),
            actor,
            timezone.now(),
        )
        return Response(CommentOutputSerializer(comment).data, status=201)


class CaseAttachmentsApi(APIView):
    required_scopes = {"GET": READ, "POST": WRITE}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cases_attachments_list",
        summary="Adjuntos del caso",
        tags=TAGS,
        parameters=[FOLIO_PARAMETER],
        responses={200: AttachmentOutputSerializer(many=True), **problem_responses(404)},
    )
    def get(self, request: Request, folio: str) -> Response:
        case, attachments = detail.case_attachments_for(request_actor(request), folio)
        context = {"request": request, "folio": case.folio}
        return Response(AttachmentOutputSerializer(attachments, many=True, context=context).data)

    @extend_schema(
        operation_id="cases_attachments_create",
        summary="Adjuntar un archivo (multipart, campo `file`)",
        description=(
            "Se revisan el tamaño y el tipo real del contenido (no el nombre): PDF, imágenes, "
            "texto plano, Word (.docx) y Excel (.xlsx)."
        ),
        tags=TAGS,
        request={"multipart/form-data": AttachmentInputSerializer},
        parameters=[FOLIO_PARAMETER],
        responses={201: AttachmentOutputSerializer, **problem_responses(400, 404, 409)},
    )
    def post(self, request: Request, folio: str) -> Response:
        actor = request_actor(request)
        case = detail.case_get_for(actor, folio, catalog=False)
        serializer = AttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_add(folio, serializer.validated_data["file"], actor, timezone.now())
        context = {"request": request, "folio": case.folio}
        return Response(AttachmentOutputSerializer(attachment, context=context).data, status=201)


class _AnyAcceptNegotiation(DefaultContentNegotiation):
    """A download answers bytes whatever `Accept` says; errors still render as JSON."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        candidates = list(renderers)
        try:
            return super().select_renderer(request, candidates, format_suffix)
        except NotAcceptable:
            return candidates[0], candidates[0].media_type


class CaseAttachmentDownloadApi(APIView):
    required_scopes = {"GET": READ}
    content_negotiation_class = _AnyAcceptNegotiation

    @extend_schema(
        operation_id="cases_attachments_download",
        summary="Descargar un adjunto",
        description="Se entrega como descarga (`Content-Disposition: attachment`), nunca en línea.",
        tags=TAGS,
        parameters=[
            FOLIO_PARAMETER,
            OpenApiParameter(
                "attachment_id", int, OpenApiParameter.PATH, description="Id del adjunto."
            ),
        ],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    response=OpenApiTypes.BINARY,
                    description="Los bytes del archivo, con su tipo de contenido reconocido.",
                )
                for content_type in SERVED_CONTENT_TYPES
            },
            **problem_responses(404),
        },
    )
    def get(self, request: Request, folio: str, attachment_id: int) -> Any:
        attachment = detail.attachment_get_for(request_actor(request), folio, attachment_id)
        return attachment_response(attachment)
