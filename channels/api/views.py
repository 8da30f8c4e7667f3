"""Channels, offices and business calendars (SPEC §8): one small view per operation."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels import selectors
from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import ValidationFailed

from .serializers import (
    CalendarDetailSerializer,
    CalendarSummarySerializer,
    CalendarYearFilterSerializer,
    ChannelOutputSerializer,
    OfficeFilterSerializer,
    OfficeOutputSerializer,
)

CATALOG_READ = {"GET": [Scope.CATALOG_READ]}
# The year a calendar is shown for when none is asked: the current one at the institute's seat.
DEFAULT_YEAR_TIMEZONE = ZoneInfo("America/Mexico_City")


class ChannelListApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="channels_list",
        summary="Canales de atención",
        tags=["catálogo"],
        responses={200: ChannelOutputSerializer(many=True), **problem_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(ChannelOutputSerializer(selectors.channel_list(), many=True).data)


class OfficeListApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="offices_list",
        summary="Oficinas activas",
        tags=["catálogo"],
        parameters=[OfficeFilterSerializer],
        responses={200: OfficeOutputSerializer(many=True), **problem_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = OfficeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        channel = None
        channel_code = filters.validated_data.get("channel")
        if channel_code:
            channel = selectors.channel_get_by_code(channel_code)
            if channel is None:
                raise ValidationFailed.single(
                    "channel",
                    "does_not_exist",
                    _("No existe el canal «%(code)s».") % {"code": channel_code},
                )
        offices = selectors.office_list(
            kind=filters.validated_data.get("kind"),
            state=filters.validated_data.get("state"),
            channel=channel,
        )
        return Response(OfficeOutputSerializer(offices, many=True).data)


class CalendarListApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="calendars_list",
        summary="Calendarios hábiles",
        tags=["catálogo"],
        responses={200: CalendarSummarySerializer(many=True), **problem_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(CalendarSummarySerializer(selectors.calendar_list(), many=True).data)


class CalendarDetailApi(APIView):
    required_scopes = CATALOG_READ

    @extend_schema(
        operation_id="calendars_retrieve",
        summary="Un calendario hábil durante un año",
        description=(
            "Horario semanal, días feriados oficiales (si el calendario los respeta) y excepciones "
            "fechadas del año: exactamente lo que usa el reloj de plazos. Una excepción reemplaza el "
            "horario semanal y el carácter de feriado de su fecha."
        ),
        tags=["catálogo"],
        parameters=[
            CalendarYearFilterSerializer,
            OpenApiParameter(
                "code", str, OpenApiParameter.PATH, description="Clave del calendario."
            ),
        ],
        responses={200: CalendarDetailSerializer, **problem_responses(400, 404)},
    )
    def get(self, request: Request, code: str) -> Response:
        filters = CalendarYearFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        year = (
            filters.validated_data.get("year")
            or timezone.localdate(timezone=DEFAULT_YEAR_TIMEZONE).year
        )
        calendar = selectors.calendar_get(code)
        return Response(CalendarDetailSerializer(selectors.calendar_year(calendar, year)).data)
