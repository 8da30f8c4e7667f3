"""Human-readable, unique folios: ATN-2026-00001234.

The number comes from the PostgreSQL sequence `cases_folio_seq` (no locks, safe under any
concurrency). On SQLite, which has no sequences, a counter row is incremented with an UPDATE
inside the caller's transaction: SQLite serialises writers, so two intakes never read the same
value. The year is the intake's local year in America/Mexico_City.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import F

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
