"""Case events carry a hash chain (ADR 0013): the column, then every existing event's hash,
computed case by case in (at, id) order and written in chunks.

The append-only trigger (0002) refuses UPDATE: it is switched off for the backfill only
(PostgreSQL: DISABLE/ENABLE TRIGGER inside this migration's transaction; SQLite: dropped and
created again as 0002 made it).
"""

from django.db import migrations, models

from infonavit_atencion.core import hashchain

CHUNK = 5000
SQLITE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS cases_event_append_only
    BEFORE UPDATE ON cases_caseevent
    BEGIN
        SELECT RAISE(ABORT, 'cases_caseevent is append-only (UPDATE refused)');
    END
"""


def _write(connection, pairs):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE cases_caseevent AS e SET chain_hash = v.h "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, h) WHERE e.id = v.id",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        else:
            cursor.executemany("UPDATE cases_caseevent SET chain_hash = %s WHERE id = %s", [(h, i) for i, h in pairs])


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    CaseEvent = apps.get_model("cases", "CaseEvent")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_event_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS cases_event_append_only")
    rows = CaseEvent.objects.order_by("case_id", "at", "id").values_list("id", *hashchain.EVENT_FIELDS)
    pending: list[tuple[int, str]] = []
    case_id, head = None, hashchain.GENESIS
    # PostgreSQL streams through a server-side cursor; SQLite reads everything before writing
    # (it does not isolate a running SELECT from UPDATEs on the same connection).
    for row in rows.iterator(chunk_size=CHUNK) if postgres else list(rows):
        pk, event_case = row[0], row[1]
        if event_case != case_id:
            case_id, head = event_case, hashchain.GENESIS
        head = hashchain.event_link(head, row[1:])
        pending.append((pk, head))
        if len(pending) >= CHUNK:
            _write(connection, pending)
            pending = []
    if pending:
        _write(connection, pending)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER cases_event_append_only")
        else:
            cursor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_backfill_case_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="huella"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
