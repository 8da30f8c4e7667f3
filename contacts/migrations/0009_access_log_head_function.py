"""PostgreSQL: one round trip to take the access log's chain lock and read its head (ADR 0013).

A VOLATILE PL/pgSQL function runs each statement with a fresh snapshot, so the read after the
lock sees the row the previous holder committed; a plain `SELECT lock, (subquery)` would read
with the snapshot taken before waiting.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION contacts_access_log_head(lock_key bigint) RETURNS text AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        RETURN COALESCE((SELECT chain_hash FROM contacts_contactaccesslog ORDER BY id DESC LIMIT 1), '');
    END;
    $$ LANGUAGE plpgsql VOLATILE
    """,
]
PG_BACKWARD = ["DROP FUNCTION IF EXISTS contacts_access_log_head(bigint)"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_access_log_chain_hash")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
