"""PostgreSQL: a trigram index for the name search (`search_name LIKE '% WORD%'`).

`pg_trgm` ships with PostgreSQL and is a trusted extension (any user who may create objects
in the database may install it). Where it cannot be installed the index is skipped with a
warning: the search still works, scanning the contacts.
"""

import warnings

from django.db import migrations, transaction


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - permission or package missing: degrade, say so
        warnings.warn(f"pg_trgm no disponible; la búsqueda por nombre no tendrá índice: {error}")
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS contact_search_name_trgm "
        "ON contacts_contact USING gin (search_name gin_trgm_ops)"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS contact_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_contact_search_name"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
