"""The dates a request may name (filters, forms, bodies).

Python's dates run from year 1 to 9999, but a day at either end cannot be turned into an
instant in another timezone, nor have a day added (the end of a period, "up to and including"),
without overflowing. Every date or instant read from a request is checked against this range, so
such input is a 400 naming the field, never a 500. No case, report or export needs days outside.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_SUPPORTED_DATE = dt.date(1900, 1, 1)
LAST_SUPPORTED_DATE = dt.date(2999, 12, 31)


def out_of_range_message() -> str:
    return _("La fecha debe estar entre %(first)s y %(last)s.") % {
        "first": FIRST_SUPPORTED_DATE.isoformat(),
        "last": LAST_SUPPORTED_DATE.isoformat(),
    }


def is_supported_date(value: dt.date) -> bool:
    """A date, or an instant's own calendar date, within the supported range."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_SUPPORTED_DATE <= day <= LAST_SUPPORTED_DATE


def validate_supported_date(value: dt.date | None) -> None:
    """A validator for Django form fields and DRF serializer fields."""
    if value is not None and not is_supported_date(value):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")
