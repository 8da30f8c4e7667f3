"""Human-readable, unique folios: ATN-2026-00001234.

The number comes from the PostgreSQL sequence `cases_folio_seq` (no locks, safe under any
concurrency). On SQLite, which has no sequences, a counter row is incremented with an UPDATE
inside the caller's transaction: SQLite serialises writers, so two intakes never read the same
value. The year is the intake's local year in America/Mexico_City.

Intake does not ask for the number first on PostgreSQL: :func:`folio_for_insert` gives the case
INSERT an expression that takes it from the sequence, and the folio comes back with the row
(``RETURNING``, ``cases.models.case.FolioField``) — one round trip less per intake (issue 17).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import CharField, F
from django.db.models.expressions import RawSQL

from .models import FolioCounter

FOLIO_TIMEZONE = ZoneInfo("America/Mexico_City")


def _next_number() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('cases_folio_seq')")
            return int(cursor.fetchone()[0])
    FolioCounter.objects.get_or_create(name="folio")
    FolioCounter.objects.filter(name="folio").update(value=F("value") + 1)
    return FolioCounter.objects.values_list("value", flat=True).get(name="folio")


def folio_next(at: dt.datetime) -> str:
    """Reserve the next folio. Call inside the intake transaction."""
    year = at.astimezone(FOLIO_TIMEZONE).year
    return f"{settings.FOLIO_PREFIX}-{year}-{_next_number():08d}"


# The number padded as `_next_number` is formatted (at least 8 digits, never cut), from ONE
# nextval; the prefix is a parameter.
_FOLIO_SQL = (
    "(SELECT %s || LPAD(n, GREATEST(8, LENGTH(n)), '0') "
    "FROM (SELECT CAST(nextval('cases_folio_seq') AS TEXT) AS n) AS folio_number)"
)


def folio_for_insert(at: dt.datetime) -> str | RawSQL:
    """The folio as the case INSERT should write it (call inside the intake transaction).

    On PostgreSQL an expression: the INSERT takes the next number from the sequence and
    returns the folio, which Django sets on the instance. Elsewhere the folio itself.
    """
    if connection.vendor != "postgresql":
        return folio_next(at)
    year = at.astimezone(FOLIO_TIMEZONE).year
    prefix = f"{settings.FOLIO_PREFIX}-{year}-"
    return RawSQL(_FOLIO_SQL, [prefix], output_field=CharField())  # noqa: S611 - fixed SQL
