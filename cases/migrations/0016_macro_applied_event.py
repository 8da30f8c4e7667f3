"""The `macro_applied` event kind (cases.services.macros)."""

from django.db import migrations, models

# On SQLite, replacing a check constraint rebuilds the table and drops its triggers: the
# append-only trigger of 0002 is created again after the rebuild (both ways), as in 0013.
SQLITE_APPEND_ONLY = """
    CREATE TRIGGER IF NOT EXISTS cases_event_append_only
    BEFORE UPDATE ON cases_caseevent
    BEGIN
        SELECT RAISE(ABORT, 'cases_caseevent is append-only (UPDATE refused)');
    END
"""

KINDS = [
    ("created", "Registrado"),
    ("routed", "Turnado"),
    ("assigned", "Asignado"),
    ("status_changed", "Cambio de estado"),
    ("commented", "Comentario"),
    ("transferred", "Transferido"),
    ("reclassified", "Reclasificado"),
    ("sla_extended", "Plazo ampliado"),
    ("sla_warning", "Plazo en riesgo"),
    ("sla_breached", "Plazo vencido"),
    ("escalated", "Escalado"),
    ("notified", "Notificación enviada"),
    ("survey_answered", "Encuesta respondida"),
    ("merged", "Contacto fusionado"),
    ("updated", "Actualizado"),
    ("sla_recomputed", "Plazo recalculado por cambio de calendario"),
    ("macro_applied", "Macro aplicada"),
]


def _sqlite_append_only(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_case_awaiting_email_confirmation"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _sqlite_append_only),
        migrations.RemoveConstraint(model_name="caseevent", name="event_kind_valid"),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="tipo"),
        ),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [kind for kind, _label in KINDS])),
                name="event_kind_valid",
            ),
        ),
        migrations.RunPython(_sqlite_append_only, migrations.RunPython.noop),
    ]
