"""Indexes of the case search (cases.selectors.search): the tracking code (every database) and,
on PostgreSQL only, Spanish full text over a case's subject and description and over comments.

The GIN indexes are over the very expressions Django's `SearchVector(..., config="spanish")`
writes, so the planner matches them; SQLite has no full text here and searches with LIKE.
Building them over 1,000,000 cases takes a while: the migration holds a lock on the tables
meanwhile (run it in a maintenance window, or create them beforehand CONCURRENTLY with the
same names: `IF NOT EXISTS` then skips them).
"""

from django.db import migrations, models

CASE_FTS = (
    "CREATE INDEX IF NOT EXISTS case_text_fts_idx ON cases_case USING gin "
    "(to_tsvector('spanish'::regconfig, "
    "COALESCE(subject, '') || ' ' || COALESCE(description, '')))"
)
COMMENT_FTS = (
    "CREATE INDEX IF NOT EXISTS comment_body_fts_idx ON cases_comment USING gin "
    "(to_tsvector('spanish'::regconfig, COALESCE(body, '')))"
)


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CASE_FTS)
        schema_editor.execute(COMMENT_FTS)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_text_fts_idx")
        schema_editor.execute("DROP INDEX IF EXISTS comment_body_fts_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_saved_view"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["tracking_code"], name="case_tracking_code_idx"),
        ),
        migrations.RunPython(_create, _drop),
    ]
