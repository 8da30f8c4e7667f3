"""Database-level guarantees that the ORM cannot express.

- PostgreSQL: folios come from the sequence `cases_folio_seq` (no lock, no gaps filled twice).
- Both engines: a trigger refuses UPDATE of case events; PostgreSQL also refuses DELETE.
  (SQLite test runs flush tables with DELETE, so there only UPDATE is refused.)
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS cases_folio_seq START 1",
    """
    CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = 'cases_caseevent is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER cases_event_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only()
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_event_append_only ON cases_caseevent",
    "DROP FUNCTION IF EXISTS cases_event_append_only()",
    "DROP SEQUENCE IF EXISTS cases_folio_seq",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS cases_event_append_only
    BEFORE UPDATE ON cases_caseevent
    BEGIN
        SELECT RAISE(ABORT, 'cases_caseevent is append-only (UPDATE refused)');
    END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS cases_event_append_only"]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
