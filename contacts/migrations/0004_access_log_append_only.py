"""The personal-data access log is evidence: the database refuses to change it.

Both engines: a trigger refuses UPDATE of ``contacts_contactaccesslog``; PostgreSQL also
refuses DELETE (SQLite test runs flush tables with DELETE, so there only UPDATE is refused),
as for case events (cases 0002).
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION contacts_access_log_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE =
            'contacts_contactaccesslog is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER contacts_access_log_append_only
    BEFORE UPDATE OR DELETE ON contacts_contactaccesslog
    FOR EACH ROW EXECUTE FUNCTION contacts_access_log_append_only()
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS contacts_access_log_append_only ON contacts_contactaccesslog",
    "DROP FUNCTION IF EXISTS contacts_access_log_append_only()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS contacts_access_log_append_only
    BEFORE UPDATE ON contacts_contactaccesslog
    BEGIN
        SELECT RAISE(ABORT, 'contacts_contactaccesslog is append-only (UPDATE refused)');
    END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS contacts_access_log_append_only"]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_arco_requests_and_personal_data_access_log")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
