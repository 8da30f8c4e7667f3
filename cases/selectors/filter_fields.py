"""Form fields that read the case filters from a query string (:mod:`cases.selectors.filters`).

They answer as the API always has: a list parameter may be `a,b,c` or repeated (`x=a&x=b`),
and a parameter sent empty is ignored except a list, which must name at least one value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BaseCSVWidget

from infonavit_atencion.core.dates import is_supported_date, out_of_range_message

# Calendar dates (and naive instants) in filters are read at the institute's seat.
FILTER_DATE_TIMEZONE = ZoneInfo("America/Mexico_City")
UNENCODED_PLUS = re.compile(r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class CommaSeparatedInput(BaseCSVWidget, forms.TextInput):
    """``a,b`` and a repeated parameter (``x=a&x=b``) alike: the raw items, or None if absent."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str] | None:
        if name not in data:
            return None
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        return ",".join(str(value) for value in values).split(",")


class QueryField(forms.Field):
    """A field of a form that only reads a query string (the case filters): never rendered and
    never changed per form, so each form shares it instead of a deep copy. Django deep-copies a
    form's fields for every form, widgets included, so that a form may change its own: a tenth
    of an API list request's Python time (issue 17)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> QueryField:
        return self


class CommaSeparatedField(QueryField):
    """``a,b,c`` → ``["a", "b", "c"]`` (blank items dropped, duplicates kept once); absent → []."""

    widget = CommaSeparatedInput
    default_error_messages = {
        "invalid_choice": _("Valor desconocido «%(value)s»; se admiten: %(choices)s."),
        "empty": _("Indique al menos un valor."),
    }

    def __init__(self, *, choices: Sequence[str] | None = None, upper: bool = False, **kwargs: Any):
        self.choices = choices
        self.upper = upper
        super().__init__(**kwargs)

    def clean(self, value: list[str] | None) -> list[str]:
        if value is None:
            return []
        values: list[str] = []
        for item in value:
            item = item.strip().upper() if self.upper else item.strip()
            if item and item not in values:
                values.append(item)
        if not values:
            raise ValidationError(self.error_messages["empty"], code="empty")
        unknown = [item for item in values if self.choices is not None and item not in self.choices]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": unknown[0], "choices": ", ".join(self.choices or ())},
            )
        return values


class SearchTextField(QueryField, forms.CharField):
    """Free text, trimmed: absent or empty is no search, and only spaces a mistake."""

    default_error_messages = {
        "blank": _("Este campo no puede estar en blanco."),
        "max_length": _("Asegúrese de que este campo no tenga más de %(limit_value)d caracteres."),
    }

    def clean(self, value: Any) -> str:
        if value not in (None, "") and not str(value).strip():
            raise ValidationError(self.error_messages["blank"], code="blank")
        return super().clean(value)


class DateOrDateTimeField(QueryField):
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

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        # An unencoded "+" of an offset arrives as a space (`…T10:00:00 06:00`): put it back.
        text = UNENCODED_PLUS.sub(r"\1+\2", str(value).strip())
        try:
            day = parse_date(text)
            instant = None if day is not None else parse_datetime(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        named = day if day is not None else instant
        if named is not None and not is_supported_date(named):
            raise ValidationError(out_of_range_message(), code="date_out_of_range")
        if day is not None:
            if self.end_of_day:
                day += dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(), tzinfo=FILTER_DATE_TIMEZONE)
        if instant is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return (
            instant if timezone.is_aware(instant) else instant.replace(tzinfo=FILTER_DATE_TIMEZONE)
        )
