"""The personal-data access log carries one hash chain in id order (ADR 0013): the column,
then every existing row's hash, written in chunks with the append-only trigger (0004)
switched off for the backfill only."""

from django.db import migrations, models

from infonavit_atencion.core import hashchain

CHUNK = 5000
SQLITE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS contacts_access_log_append_only
    BEFORE UPDATE ON contacts_contactaccesslog
    BEGIN
        SELECT RAISE(ABORT, 'contacts_contactaccesslog is append-only (UPDATE refused)');
    END
"""


def _write(connection, pairs):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE contacts_contactaccesslog AS a SET chain_hash = v.h "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, h) WHERE a.id = v.id",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        else:
            cursor.executemany(
                "UPDATE contacts_contactaccesslog SET chain_hash = %s WHERE id = %s", [(h, i) for i, h in pairs]
            )


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContactAccessLog = apps.get_model("contacts", "ContactAccessLog")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE contacts_contactaccesslog DISABLE TRIGGER contacts_access_log_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS contacts_access_log_append_only")
    rows = ContactAccessLog.objects.order_by("id").values_list("id", *hashchain.ACCESS_FIELDS)
    pending: list[tuple[int, str]] = []
    head = hashchain.GENESIS
    for row in rows.iterator(chunk_size=CHUNK) if postgres else list(rows):
        pk = row[0]
        head = hashchain.access_link(head, row[1:])
        pending.append((pk, head))
        if len(pending) >= CHUNK:
            _write(connection, pending)
            pending = []
    if pending:
        _write(connection, pending)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE contacts_contactaccesslog ENABLE TRIGGER contacts_access_log_append_only")
        else:
            cursor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_contact_change_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactaccesslog",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="huella"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
