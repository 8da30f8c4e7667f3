"""Indicators and shared goals (SPEC §7, §8): one small view per operation."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import request_api_client, request_staff_user
from accounts.models import Role
from cases.events import Actor
from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import PermissionDenied

from .. import selectors
from .serializers import (
    IndicatorQuerySerializer,
    IndicatorTableSerializer,
    TargetOutputSerializer,
    TargetQuerySerializer,
)

INDICATORS_READ = {"GET": [Scope.INDICATORS_READ]}

ROW_EXAMPLE = {
    "channel": "CESI",
    "received": 1250,
    "complaints_per_1000": 48.0,
    "resolutions": 1180,
    "resolved_within_sla": 1102,
    "sla_compliance_pct": 93.39,
    "first_responses": 1201,
    "first_responses_within_sla": 1175,
    "first_response_compliance_pct": 97.84,
    "resolution_hours_avg": 11.42,
    "resolution_hours_p50": 6.75,
    "resolution_hours_p90": 27.5,
    "fcr_pct": 41.27,
    "reopen_pct": 2.12,
    "backlog": 310,
    "backlog_breached": 22,
    "survey_responses": 402,
    "csat_pct": 81.34,
    "csat_avg": 4.12,
    "nps": 38.56,
}


def _actor(request: Request) -> Actor:
    client = request_api_client(request)
    if client is not None:
        return Actor(client=client)
    return Actor(user=cast(User | None, request_staff_user(request)))


class IndicatorsApi(APIView):
    required_scopes = INDICATORS_READ

    @extend_schema(
        operation_id="indicators",
        tags=["indicadores"],
        summary="Indicadores por canal, dirección, área, oficina, servicio, tipo o día",
        description=(
            "Todos los indicadores de la especificación §7 para un periodo de fechas locales (Ciudad de "
            "México), inclusive, agrupados por las dimensiones de `group_by` (claves) y filtrados por "
            "claves separadas por comas. Un caso cuenta con la dirección, área, canal, oficina, servicio "
            "y tipo que tenía en el evento contado (para `received`, la primera dirección y área a las "
            "que se turnó). Porcentajes, promedios y tasas con dos decimales, `null` si el denominador es "
            "0; un grupo sin nada que contar se omite. `backlog` y `backlog_breached`: casos abiertos (y "
            "vencidos) al final del periodo, o ahora si el periodo llega a hoy; por día, al final de cada "
            "día. Un usuario de navegador ve sólo su ámbito (oficina, área, dirección o nacional)."
        ),
        parameters=[IndicatorQuerySerializer],
        responses={200: IndicatorTableSerializer, **problem_responses(400)},
        examples=[
            OpenApiExample(
                "Un mes por canal",
                value={
                    "from": "2026-10-01",
                    "to": "2026-10-31",
                    "group_by": ["channel"],
                    "rows": [ROW_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = IndicatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = selectors.indicator_scope_for(_actor(request))
        if scope is None:
            raise PermissionDenied()
        filters = selectors.indicator_filters(
            channel=data["channel"],
            directorate=data["directorate"],
            area=data["area"],
            office=data["office"],
            service=data["service"],
            kind=data["kind"],
        )
        table = selectors.indicators_compute(
            data["from"], data["to"], data["group_by"], filters.merged(scope), now=timezone.now()
        )
        return Response(IndicatorTableSerializer(table).data)


class TargetsApi(APIView):
    required_scopes = INDICATORS_READ
    session_roles = {Role.SUPERVISOR, Role.ADMIN}

    @extend_schema(
        operation_id="targets",
        tags=["indicadores"],
        summary="Metas compartidas y su estado",
        description=(
            "Metas activas (indicador × canal opcional × dirección opcional × periodo, con valor y "
            "sentido), cada una evaluada sobre su periodo hasta hoy: `met` (cumplida), `at_risk` (no "
            "cumplida pero a 5 % o menos del valor, o sin datos en un periodo en curso) o `missed`. "
            "Para supervisores y administradores."
        ),
        parameters=[TargetQuerySerializer],
        responses={200: TargetOutputSerializer(many=True), **problem_responses(400)},
        examples=[
            OpenApiExample(
                "Cumplimiento del Cesi en el trimestre",
                value=[
                    {
                        "id": 3,
                        "name": "Cumplimiento de plazo en Cesi, 4.º trimestre",
                        "metric": "sla_compliance_pct",
                        "channel": "CESI",
                        "directorate": None,
                        "period": {"kind": "quarter", "from": "2026-10-01", "to": "2026-12-31"},
                        "value": 90.0,
                        "direction": "at_least",
                        "actual": 87.5,
                        "status": "at_risk",
                        "evaluated_to": "2026-11-29",
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = TargetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = selectors.targets_evaluated(now=timezone.now(), **query.validated_data)
        return Response(TargetOutputSerializer(results, many=True).data)
