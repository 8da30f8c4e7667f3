"""Input and output shapes of the catalog API (SPEC §8). References are codes; SLA numbers are integers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import CaseKind, SlaPolicy


class AreaOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()


class DirectorateOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()
    areas = AreaOutputSerializer(many=True)


class SlaTargetSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    unit = serializers.CharField(
        help_text="business_minutes, business_hours, business_days, calendar_hours o calendar_days."
    )


class SlaOutputSerializer(serializers.Serializer):
    """An SLA policy as `{first_response, resolution, calendar, warn_pct}`."""

    first_response = serializers.SerializerMethodField()
    resolution = serializers.SerializerMethodField()
    calendar = serializers.CharField(
        source="calendar.code",
        allow_null=True,
        default=None,
        help_text="Clave del calendario; null: el de la oficina en canales presenciales, si no INSTITUCIONAL.",
    )
    warn_pct = serializers.IntegerField()

    @extend_schema_field(SlaTargetSerializer(allow_null=True))
    def get_first_response(self, policy: SlaPolicy) -> dict[str, Any] | None:
        if policy.first_response_value is None:
            return None
        return {"value": int(policy.first_response_value), "unit": policy.first_response_unit}

    @extend_schema_field(SlaTargetSerializer)
    def get_resolution(self, policy: SlaPolicy) -> dict[str, Any]:
        return {"value": int(policy.resolution_value), "unit": policy.resolution_unit}


class ServiceChannelOutputSerializer(serializers.Serializer):
    channel = serializers.CharField(source="channel.code")
    sla = SlaOutputSerializer(
        source="sla_policy",
        allow_null=True,
        help_text="Política propia del canal; null: la del servicio.",
    )


class ServiceOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="Tipo de caso: " + ", ".join(CaseKind.values) + ".")
    directorate = serializers.CharField(source="directorate.code")
    area = serializers.CharField(source="area.code")
    description = serializers.CharField()
    first_contact_resolution = serializers.BooleanField()
    sla = SlaOutputSerializer(source="sla_policy")
    channels = ServiceChannelOutputSerializer(source="active_links", many=True)


class ServiceFilterSerializer(serializers.Serializer):
    channel = serializers.CharField(required=False, help_text="Clave de un canal donde se ofrece.")
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    directorate = serializers.CharField(
        required=False, help_text="Clave de la dirección responsable."
    )
