"""The citizen's status look-up (SPEC §8): no login, folio + tracking code, strictly throttled."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.throttling import ClientAddressThrottle

from ..limits import COMMENT_MAX_LENGTH
from ..selectors.public import case_public_comments, case_public_lookup
from ..services import case_citizen_reply
from ..services.citizen import CITIZEN_AUTHOR
from .fields import AwareDateTimeField


class PublicLookupThrottle(ClientAddressThrottle):
    """Per client address, so a folio's tracking code cannot be guessed by brute force (a
    tracking code is long and random, so serving uncounted during a Redis restart is safe)."""

    scope = "public_lookup"
    rate_setting = "PUBLIC_LOOKUP_THROTTLE_RATE"
    default_rate = "20/min"


class PublicCommentSerializer(serializers.Serializer):
    body = serializers.CharField()
    author = serializers.SerializerMethodField(help_text="ciudadano (su respuesta) o infonavit.")
    created_at = AwareDateTimeField()

    def get_author(self, comment: Any) -> str:
        return CITIZEN_AUTHOR if comment.by_citizen else "infonavit"


class PublicReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH)


class PublicCaseSerializer(serializers.Serializer):
    """What a citizen may see: never the description, contact data or internal comments."""

    folio = serializers.CharField()
    kind = serializers.CharField()
    service_name = serializers.CharField(source="service.name")
    status = serializers.CharField()
    received_at = AwareDateTimeField()
    resolution_due_at = AwareDateTimeField()
    resolved_at = AwareDateTimeField(allow_null=True)
    resolution = serializers.SerializerMethodField(
        help_text="El texto de la resolución, una vez resuelto; si no, null."
    )
    public_comments = PublicCommentSerializer(many=True)

    def get_resolution(self, case: Any) -> str | None:
        return case.resolution if case.resolved_at is not None else None


PUBLIC_PARAMETERS = [
    OpenApiParameter("folio", str, OpenApiParameter.PATH, description="Folio del caso."),
    OpenApiParameter(
        "code", str, OpenApiParameter.QUERY, required=True, description="Código de seguimiento."
    ),
]


class PublicCaseStatusApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        operation_id="public_case_status",
        tags=["consulta pública"],
        summary="Consultar el estado de un caso con su folio y código de seguimiento",
        auth=[],
        parameters=PUBLIC_PARAMETERS,
        responses={200: PublicCaseSerializer, **problem_responses(404)},
    )
    def get(self, request: Request, folio: str) -> Response:
        case = case_public_lookup(folio, request.query_params.get("code", ""))
        case.public_comments = case_public_comments(case)  # type: ignore[attr-defined]
        return Response(PublicCaseSerializer(case).data)


class PublicCaseReplyApi(APIView):
    """The citizen's reply (SPEC §8): a public comment by the citizen; a waiting case resumes.
    Throttled with the look-up (same scope and address), so it cannot probe codes either."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        operation_id="public_case_reply",
        tags=["consulta pública"],
        summary="Responder sobre un caso con su folio y código de seguimiento",
        description=(
            "Agrega la respuesta del ciudadano como comentario público. Si el caso estaba en "
            "espera del ciudadano, se reanuda y su plazo se amplía por el tiempo de espera. "
            "Un caso cerrado o cancelado no admite respuestas (409)."
        ),
        auth=[],
        parameters=PUBLIC_PARAMETERS,
        request=PublicReplySerializer,
        responses={201: PublicCommentSerializer, **problem_responses(404, 409)},
    )
    def post(self, request: Request, folio: str) -> Response:
        case = case_public_lookup(folio, request.query_params.get("code", ""))
        incoming = PublicReplySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = case_citizen_reply(case.folio, incoming.validated_data["body"], timezone.now())
        return Response(PublicCommentSerializer(comment).data, status=201)
