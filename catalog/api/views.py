"""Directorates and the service catalog (SPEC §8): one small view per operation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from channels.selectors import channel_get_by_code
from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import ValidationFailed

from .serializers import (
    DirectorateOutputSerializer,
    ServiceFilterSerializer,
    ServiceOutputSerializer,
)

CATALOG_READ = {"GET": [Scope.CATALOG_READ]}


class DirectorateListApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="directorates_list",
        summary="Direcciones y sus áreas",
        tags=["catálogo"],
        responses={200: DirectorateOutputSerializer(many=True), **problem_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(DirectorateOutputSerializer(selectors.directorate_list(), many=True).data)


class ServiceListApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="services_list",
        summary="Servicios activos del catálogo",
        description="Con sus canales activos y la política de nivel de servicio de cada canal.",
        tags=["catálogo"],
        parameters=[ServiceFilterSerializer],
        responses={200: ServiceOutputSerializer(many=True), **problem_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = ServiceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        channel = directorate = None
        if data.get("channel"):
            channel = channel_get_by_code(data["channel"])
            if channel is None:
                raise ValidationFailed.single(
                    "channel",
                    "does_not_exist",
                    _("No existe el canal «%(code)s».") % {"code": data["channel"]},
                )
        if data.get("directorate"):
            directorate = selectors.directorate_get_by_code(data["directorate"])
            if directorate is None:
                raise ValidationFailed.single(
                    "directorate",
                    "does_not_exist",
                    _("No existe la dirección «%(code)s».") % {"code": data["directorate"]},
                )
        services = selectors.service_list(
            channel=channel, kind=data.get("kind"), directorate=directorate
        )
        return Response(ServiceOutputSerializer(services, many=True).data)


class ServiceDetailApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="services_retrieve",
        summary="Un servicio activo del catálogo",
        tags=["catálogo"],
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="Clave del servicio.")
        ],
        responses={200: ServiceOutputSerializer, **problem_responses(404)},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(ServiceOutputSerializer(selectors.service_get(code)).data)
