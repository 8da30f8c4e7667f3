"""Body fields of the cases API that DRF lacks."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
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
