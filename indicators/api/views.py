"""Indicator and target endpoints (SPEC §8). The indicator engine comes with its own issue;
until it exists these answer 501 with a problem body rather than numbers nobody computed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.errors import ApplicationError


class NotImplementedYet(ApplicationError):
    status = 501
    code = "not_implemented"
    title = _("Aún no disponible")


class IndicatorsApi(APIView):
    required_scopes = ["indicators:read"]

    @extend_schema(
        operation_id="indicators",
        tags=["indicadores"],
        summary="Indicadores por canal (aún no disponible: 501)",
        responses=problem_responses(501),
    )
    def get(self, request: Request) -> Response:
        raise NotImplementedYet(_("El motor de indicadores todavía no está disponible en esta versión."))


class TargetsApi(APIView):
    required_scopes = ["indicators:read"]

    @extend_schema(
        operation_id="targets",
        tags=["indicadores"],
        summary="Metas compartidas (aún no disponible: 501)",
        responses=problem_responses(501),
    )
    def get(self, request: Request) -> Response:
        raise NotImplementedYet(_("Las metas compartidas todavía no están disponibles en esta versión."))
