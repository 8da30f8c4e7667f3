"""Keyset (cursor) pagination of long lists (cases above all): `{next, previous, results}`,
never a COUNT(*).

DRF's `CursorPagination` keeps only the first ordering field in its cursor and skips ties with
an OFFSET capped at 1,000 — with millions of cases sharing a priority, that both slows down and
breaks. Here the cursor holds the whole position, `(value of the ordering field, id)`, and a
page is one index-friendly query::

    WHERE (field, id) < (v, i) ORDER BY field DESC, id DESC LIMIT size + 1

(mirrored for ascending order and for walking backwards). The cursor is opaque
(base64 of a small JSON) and says which ordering it belongs to. The ordering field is an
integer (a case's priority) or an aware datetime; the model's field says which.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, IntegerField, Lookup, Model, QuerySet
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from infonavit_atencion.core.dates import is_supported_date
from infonavit_atencion.core.errors import ValidationFailed

CURSOR_PARAM = "cursor"
MAX_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class Cursor:
    ordering: str
    value: Any
    pk: int
    backwards: bool


@dataclass(frozen=True)
class Page:
    results: list[Any]
    next: str | None
    previous: str | None


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed.single(
        CURSOR_PARAM, "invalid", _("El cursor no es válido; use los enlaces next y previous.")
    )


class KeysetPagination:
    """Pages of `queryset` ordered by one field (`ordering`, e.g. "-received_at") then id."""

    def __init__(self, ordering: str, page_size: int) -> None:
        self.ordering = ordering
        self.field = ordering.lstrip("-")
        self.descending = ordering.startswith("-")
        self.page_size = page_size

    # --- cursor encoding -----------------------------------------------------------------

    def _encode(self, row: Model, backwards: bool) -> str:
        value = getattr(row, self.field)
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat()
        payload = {"o": self.ordering, "v": value, "i": row.pk, "b": int(backwards)}
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, text: str | None, integer: bool) -> Cursor | None:
        if not text:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            payload = json.loads(raw)
            ordering, value, pk, backwards = payload["o"], payload["v"], payload["i"], payload["b"]
        except (
            ValueError,
            TypeError,
            KeyError,
            binascii.Error,
            UnicodeDecodeError,
            RecursionError,
        ):
            raise _invalid_cursor() from None
        if ordering != self.ordering:
            raise ValidationFailed.single(
                CURSOR_PARAM,
                "ordering_mismatch",
                _("El cursor pertenece a otro orden; vuelva a la primera página."),
            )
        try:
            if integer:
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_BIGINT:
                    raise TypeError(value)
            else:
                value = dt.datetime.fromisoformat(value)
                # Cursors are not signed: one written by hand must not overflow the database.
                if value.tzinfo is None or not is_supported_date(value):
                    raise ValueError(value)
            if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_BIGINT:
                raise TypeError(pk)
        except (ValueError, TypeError):
            raise _invalid_cursor() from None
        return Cursor(ordering, value, pk, bool(backwards))

    # --- pages ---------------------------------------------------------------------------

    def _after(self, cursor: Cursor, descending: bool) -> Lookup:
        """Rows strictly after the cursor's position when walking in `descending` order: the
        row comparison `(field, id) < (v, i)`, which PostgreSQL turns into an index range."""
        after = TupleLessThan if descending else TupleGreaterThan
        return after((F(self.field), F("pk")), (cursor.value, cursor.pk))

    def paginate(self, queryset: QuerySet[Any], request: Request) -> Page:
        integer = isinstance(queryset.model._meta.get_field(self.field), IntegerField)
        cursor = self._decode(request.query_params.get(CURSOR_PARAM), integer)
        backwards = cursor is not None and cursor.backwards
        descending = self.descending != backwards  # walking back flips the direction
        prefix = "-" if descending else ""
        rows = queryset.order_by(f"{prefix}{self.field}", f"{prefix}pk")
        if cursor is not None:
            rows = rows.filter(self._after(cursor, descending))
        fetched = list(rows[: self.page_size + 1])
        more = len(fetched) > self.page_size
        results = fetched[: self.page_size]
        if backwards:
            results.reverse()
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, cursor is not None
        url = request.build_absolute_uri()
        next_url = previous_url = None
        if results and has_next:
            next_url = replace_query_param(url, CURSOR_PARAM, self._encode(results[-1], False))
        if results and has_previous:
            previous_url = replace_query_param(url, CURSOR_PARAM, self._encode(results[0], True))
        elif not results and cursor is not None:
            # Walked past either end (rows were deleted?): offer the first page again.
            previous_url = remove_query_param(url, CURSOR_PARAM)
        return Page(results, next_url, previous_url)
