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


# Why the API's input serializers copy their fields shallowly: DRF's `Serializer.get_fields()`
# deep-copies every declared field for each serializer instance, and a DRF field's deep copy
# calls its `__init__` again (validators, merged error messages). The API builds its input
# serializers on every request; copying shallowly halves what validating them costs
# (`bench/serializer_fields_bench.py`: the intake body 396 µs instead of 775 µs of CPU on the
# shared machine; ADR 0012). It is safe because `get_fields()` is DRF's hook for an instance's
# fields and nothing changes a field after `__init__` but `bind()` (name, parent, source),
# which sets attributes on the copy; what the copy shares (validators, error messages,
# choices) DRF only reads. A nested serializer is deep-copied as DRF does, so it builds its
# own fields. The docstring below is kept word for word: drf-spectacular prints it as the
# description of every input serializer without one of its own, and the OpenAPI document
# does not change in issue 16.
class ClonedFieldsMixin:
    """A serializer whose fields are shallow copies of the declared ones.

    DRF deep-copies every declared field for each serializer instance, which re-runs each
    field's ``__init__`` (validators, error messages): about a millisecond per request for the
    intake body. The declared fields are never bound nor changed (only their copies are), so a
    shallow copy is enough. A nested serializer's copy builds its own fields.
    """

    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


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
