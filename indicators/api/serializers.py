"""Input and output shapes of the indicator and target endpoints (SPEC §8)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from infonavit_atencion.core.dates import validate_supported_date

from ..metrics import COUNT_METRICS, GROUP_DIMENSIONS, METRICS
from ..models import Direction, PeriodKind

MAX_RANGE_DAYS = 3660  # ten years of history (SPEC §1)


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class _IndicatorQuery(serializers.Serializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError(
                {"to": _("La fecha final es anterior a la inicial.")}, code="before_from"
            )
        if (attrs["to"] - attrs["from"]).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"to": _("El periodo no puede pasar de diez años.")}, code="too_long"
            )
        names = _codes(attrs.get("group_by", ""))
        unknown = [name for name in names if name not in GROUP_DIMENSIONS]
        if unknown:
            raise serializers.ValidationError(
                {
                    "group_by": _("Agrupación desconocida «%(name)s»; use %(names)s.")
                    % {"name": unknown[0], "names": ", ".join(GROUP_DIMENSIONS)}
                },
                code="invalid_choice",
            )
        if len(set(names)) != len(names):
            raise serializers.ValidationError(
                {"group_by": _("Una agrupación aparece dos veces.")}, code="duplicate"
            )
        attrs["group_by"] = names
        for name in ("channel", "directorate", "area", "office", "service", "kind"):
            attrs[name] = _codes(attrs.get(name, ""))
        return attrs


_FILTER_HELP = "Una o varias claves separadas por comas; filtra por {} en el evento contado."
IndicatorQuerySerializer = type(
    "IndicatorQuerySerializer",
    (_IndicatorQuery,),
    {
        "from": serializers.DateField(
            validators=[validate_supported_date],
            help_text="Primer día (fecha local de Ciudad de México), inclusive.",
        ),
        "to": serializers.DateField(
            validators=[validate_supported_date], help_text="Último día, inclusive."
        ),
        "group_by": serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Dimensiones separadas por comas: " + ", ".join(GROUP_DIMENSIONS) + ".",
        ),
        **{
            name: serializers.CharField(
                required=False, allow_blank=True, help_text=_FILTER_HELP.format(label)
            )
            for name, label in (
                ("channel", "canal"),
                ("directorate", "dirección"),
                ("area", "área"),
                ("office", "oficina"),
                ("service", "servicio"),
                ("kind", "tipo de caso"),
            )
        },
    },
)


def _metric_field(name: str) -> serializers.Field:
    if name in COUNT_METRICS:
        return serializers.IntegerField()
    return serializers.FloatField(
        allow_null=True, help_text="Dos decimales; null si el denominador es 0."
    )


IndicatorRowSerializer = type(
    "IndicatorRowSerializer",
    (serializers.Serializer,),
    {
        **{
            name: serializers.CharField(
                required=False, allow_null=True, help_text="Clave del grupo."
            )
            for name in GROUP_DIMENSIONS
        },
        **{name: _metric_field(name) for name in METRICS},
    },
)


class IndicatorTableSerializer(serializers.Serializer):
    from_ = serializers.DateField(source="date_from")
    to = serializers.DateField(source="date_to")
    group_by = serializers.ListField(child=serializers.ChoiceField(choices=GROUP_DIMENSIONS))
    rows = IndicatorRowSerializer(many=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "from": instance.date_from.isoformat(),
            "to": instance.date_to.isoformat(),
            "group_by": list(instance.group_by),
            "rows": instance.rows,
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class TargetQuerySerializer(serializers.Serializer):
    channel = serializers.CharField(required=False, help_text="Sólo las metas de este canal.")
    directorate = serializers.CharField(
        required=False, help_text="Sólo las metas de esta dirección."
    )
    metric = serializers.ChoiceField(
        choices=METRICS, required=False, help_text="Sólo las metas de este indicador."
    )


class TargetPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Tipo de periodo: " + ", ".join(PeriodKind.values) + ".")
    from_ = serializers.DateField()
    to = serializers.DateField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class TargetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    metric = serializers.ChoiceField(choices=METRICS)
    channel = serializers.CharField(allow_null=True)
    directorate = serializers.CharField(allow_null=True)
    period = TargetPeriodSerializer()
    value = serializers.FloatField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    actual = serializers.FloatField(
        allow_null=True, help_text="El indicador en el periodo, hasta hoy."
    )
    # Plain strings (values in the help): a choice field named like the case's `status` would
    # rename the case's enum in the schema.
    status = serializers.CharField(
        help_text="met: cumplida; at_risk: no cumplida pero a 5 % o menos del valor, o sin datos en "
        "un periodo en curso; missed: incumplida.",
    )
    evaluated_to = serializers.DateField(help_text="Último día considerado.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        target = instance.target
        return {
            "id": target.pk,
            "name": target.name,
            "metric": target.metric,
            "channel": target.channel.code if target.channel else None,
            "directorate": target.directorate.code if target.directorate else None,
            "period": {
                "kind": target.period_kind,
                "from": target.date_from.isoformat(),
                "to": target.date_to.isoformat(),
            },
            "value": float(target.value),
            "direction": target.direction,
            "actual": instance.actual,
            "status": instance.status,
            "evaluated_to": instance.evaluated_to.isoformat(),
        }
