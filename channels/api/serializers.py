"""Input and output shapes of the channels API (SPEC §8). References between resources are codes."""

from __future__ import annotations

from rest_framework import serializers

from channels.geography import State
from channels.models import Office

MIN_YEAR = 2000
MAX_YEAR = 2100


class ChannelOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    ownership = serializers.CharField()
    active = serializers.BooleanField()


class OfficeFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Office.Kind.choices, required=False)
    state = serializers.ChoiceField(
        choices=State.choices, required=False, help_text="Clave INEGI de la entidad (01–32)."
    )
    channel = serializers.CharField(
        required=False, help_text="Clave de un canal que la oficina atiende."
    )


class OfficeOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    timezone = serializers.CharField()
    calendar = serializers.CharField(source="calendar.code")
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)  # type: ignore[assignment]


class CalendarSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    timezone = serializers.CharField()


class CalendarYearFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        required=False,
        help_text="Año (2000–2100); por omisión, el actual en la Ciudad de México.",
    )


class WeeklyHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = lunes … 6 = domingo.")
    start = serializers.CharField(help_text="HH:MM, hora local.")
    end = serializers.CharField(help_text="HH:MM, hora local; 24:00 es la medianoche siguiente.")


class TimeRangeSerializer(serializers.Serializer):
    start = serializers.CharField()
    end = serializers.CharField()


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()


class CalendarExceptionSerializer(serializers.Serializer):
    date = serializers.DateField()
    closed = serializers.BooleanField(help_text="Verdadero si ese día no hay horario hábil.")
    intervals = TimeRangeSerializer(many=True)
    name = serializers.CharField()


class CalendarDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    timezone = serializers.CharField()
    weekly = WeeklyHoursSerializer(many=True)
    holidays = HolidaySerializer(many=True)
    exceptions = CalendarExceptionSerializer(many=True)
