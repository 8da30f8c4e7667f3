"""Query and body fields of the cases API that DRF lacks."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infonavit_atencion.core.dates import is_supported_date, out_of_range_message


class ClonedFieldsMixin:
    """A serializer whose fields are shallow copies of the declared ones.

    DRF deep-copies every declared field for each serializer instance, which re-runs each
    field's ``__init__`` (validators, error messages): about a millisecond per request for the
    intake body. The declared fields are never bound nor changed (only their copies are), so a
    shallow copy is enough. A nested serializer's copy builds its own fields.
    """

    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {}
        for name, declared in self._declared_fields.items():
            clone = copy.copy(declared)
            clone.__dict__.pop("fields", None)
            fields[name] = clone
        return fields


# Calendar dates (and naive instants) in filters are read at the institute's seat.
FILTER_DATE_TIMEZONE = ZoneInfo("America/Mexico_City")
UNENCODED_PLUS = re.compile(r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that must carry its offset (``2026-11-18T10:00:00-06:00``)."""

    default_error_messages = {
        "naive": _("Indique la zona horaria (p. ej. 2026-11-18T10:00:00-06:00)."),
    }

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:  # well-formed but impossible (30 February) raises instead of answering None
                parsed = parse_datetime(value.strip()) if value.strip() else None
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]]±hh:mm")
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
            if parsed is not None and not is_supported_date(parsed):
                _out_of_range()
        return super().to_internal_value(value)


def _out_of_range() -> None:
    raise serializers.ValidationError(out_of_range_message(), code="date_out_of_range")


@extend_schema_field(OpenApiTypes.STR)
class CommaSeparatedField(serializers.Field):
    """``a,b,c`` → ``["a", "b", "c"]`` (blank items dropped, duplicates kept once)."""

    default_error_messages = {
        "invalid_choice": _("Valor desconocido «%(value)s»; se admiten: %(choices)s."),
        "empty": _("Indique al menos un valor."),
    }

    def __init__(self, *, choices: list[str] | None = None, upper: bool = False, **kwargs: Any):
        self.choices = choices
        self.upper = upper
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        # A query string may also repeat the parameter (`status=new&status=assigned`).
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return ",".join(dictionary.getlist(self.field_name))
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list[str]:
        values: list[str] = []
        for item in str(data).split(","):
            value = item.strip().upper() if self.upper else item.strip()
            if value and value not in values:
                values.append(value)
        if not values:
            self.fail("empty")
        for value in values:
            if self.choices is not None and value not in self.choices:
                self.fail("invalid_choice", value=value, choices=", ".join(self.choices))
        return values

    def to_representation(self, value: Any) -> str:
        return ",".join(value)


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """``YYYY-MM-DD`` (a day in Mexico City) or an ISO 8601 instant → an aware datetime.

    A date means the start of that day; with ``end_of_day`` it means the start of the next one,
    so that ``received_before=2026-03-31`` includes the whole 31 March.
    """

    default_error_messages = {
        "invalid": _("Use una fecha AAAA-MM-DD o un instante ISO 8601."),
    }

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dt.datetime:
        # An unencoded "+" of an offset arrives as a space (`…T10:00:00 06:00`): put it back.
        text = UNENCODED_PLUS.sub(r"\1+\2", str(data).strip())
        zone = FILTER_DATE_TIMEZONE
        try:
            day = parse_date(text)
            instant = None if day is not None else parse_datetime(text)
        except ValueError:
            self.fail("invalid")
        named = day if day is not None else instant
        if named is not None and not is_supported_date(named):
            _out_of_range()
        if day is not None:
            if self.end_of_day:
                day += dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(), tzinfo=zone)
        if instant is None:
            self.fail("invalid")
        assert instant is not None
        return instant if timezone.is_aware(instant) else instant.replace(tzinfo=zone)

    def to_representation(self, value: Any) -> str:
        return value.isoformat()
