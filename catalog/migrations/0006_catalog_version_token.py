"""The catalog's change token (issue 17): one row, moved by database triggers in the same
transaction as any change to a table the catalog snapshot reads (``cases.catalog_cache``), so
ORM saves, ``update()``, bulk writes, raw SQL and TRUNCATE all move it.

- PostgreSQL: one function, statement-level triggers; the token comes from a standalone
  sequence (owned by no column: a test flush never resets it, a token is never reused). The row
  carries the visibility (a sequence is not transactional, the row is).
- SQLite: row-level triggers writing a random token. They UPDATE the row and insert it only
  when it is missing, with no conflict clause: SQLite applies the outer statement's conflict
  policy to a trigger's statements, and the M2M ``add()`` is an ``INSERT OR IGNORE``, which
  would silently skip an ``INSERT OR REPLACE`` of the existing row.

On SQLite a later migration that rebuilds one of these tables (most field or constraint
changes) drops its triggers: create them again there (catalog/tests/test_catalog_version.py
fails until then).
"""

from django.db import migrations, models

VERSION_TABLE = "catalog_catalogversion"
# The tables cases.catalog_cache.TRACKED_MODELS reads, plus the offices' channels (M2M).
TRACKED_TABLES = (
    "catalog_service",
    "catalog_servicechannel",
    "catalog_slapolicy",
    "catalog_directorate",
    "catalog_area",
    "channels_channel",
    "channels_office",
    "channels_office_channels",
    "channels_businesscalendar",
    "channels_calendarinterval",
    "channels_calendarexception",
)

PG_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION catalog_version_bump() RETURNS trigger AS $$
    BEGIN
        INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, nextval('catalog_version_seq'))
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
"""
PG_FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS catalog_version_seq",
    PG_FUNCTION,
    *(
        statement
        for table in TRACKED_TABLES
        for statement in (
            f"DROP TRIGGER IF EXISTS catalog_version_bump ON {table}",
            f"""
            CREATE TRIGGER catalog_version_bump
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_bump()
            """,
        )
    ),
]
PG_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS catalog_version_bump ON {table}" for table in TRACKED_TABLES),
    "DROP FUNCTION IF EXISTS catalog_version_bump()",
    "DROP SEQUENCE IF EXISTS catalog_version_seq",
]
SQLITE_BUMP = f"""
    UPDATE {VERSION_TABLE} SET token = random() WHERE id = 1;
    INSERT INTO {VERSION_TABLE} (id, token) SELECT 1, random()
    WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = 1);
"""
SQLITE_EVENTS = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {table}_catalog_version_{suffix}
    AFTER {event} ON {table} FOR EACH ROW
    BEGIN {SQLITE_BUMP} END
    """
    for table in TRACKED_TABLES
    for suffix, event in SQLITE_EVENTS.items()
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_catalog_version_{suffix}"
    for table in TRACKED_TABLES
    for suffix in SQLITE_EVENTS
]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_canned_responses_become_macros"),
        ("channels", "0002_calendar_notices_and_yearly_notice"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField(verbose_name="marca de versión")),
            ],
            options={
                "verbose_name": "versión del catálogo",
                "verbose_name_plural": "versión del catálogo",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="catalog_version_one_row")
                ],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
