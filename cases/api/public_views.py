"""The citizen's status look-up (SPEC §8): no login, folio + tracking code, strictly throttled."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.throttling import WindowCounterThrottle
from infonavit_atencion.core.api_errors import problem_responses

from .. import selectors
from .fields import AwareDateTimeField


class PublicLookupThrottle(WindowCounterThrottle):
    """Per client address, so a folio's tracking code cannot be guessed by brute force (a
    tracking code is long and random, so serving uncounted during a Redis restart is safe)."""

    scope = "public_lookup"

    def get_rate(self) -> str | None:
        return getattr(settings, "PUBLIC_LOOKUP_THROTTLE_RATE", "20/min") or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.get_ident(request)


class PublicCommentSerializer(serializers.Serializer):
    body = serializers.CharField()
    created_at = AwareDateTimeField()


class PublicCaseSerializer(serializers.Serializer):
    """What a citizen may see: never the description, contact data or internal comments."""

    folio = serializers.CharField()
    kind = serializers.CharField()
    service_name = serializers.CharField(source="service.name")
    status = serializers.CharField()
    received_at = AwareDateTimeField()
    resolution_due_at = AwareDateTimeField()
    resolved_at = AwareDateTimeField(allow_null=True)
    public_comments = PublicCommentSerializer(many=True)


class PublicCaseStatusApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        operation_id="public_case_status",
        tags=["consulta pública"],
        summary="Consultar el estado de un caso con su folio y código de seguimiento",
        auth=[],
        parameters=[
            OpenApiParameter("folio", str, OpenApiParameter.PATH, description="Folio del caso."),
            OpenApiParameter("code", str, OpenApiParameter.QUERY, required=True, description="Código de seguimiento."),
        ],
        responses={200: PublicCaseSerializer, **problem_responses(404)},
    )
    def get(self, request: Request, folio: str) -> Response:
        case = selectors.case_public_lookup(folio, request.query_params.get("code", ""))
        case.public_comments = selectors.case_public_comments(case)  # type: ignore[attr-defined]
        return Response(PublicCaseSerializer(case).data)
