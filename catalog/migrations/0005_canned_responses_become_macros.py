"""The canned responses (respuestas tipo) become macros: the same rows, renamed, with what a
macro may do besides its text (comment visibility, status action, priority)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_sla_policy_extension"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="cannedresponse", name="canned_response_title_unique"),
        migrations.RemoveConstraint(model_name="cannedresponse", name="canned_response_body_required"),
        migrations.RenameModel(old_name="CannedResponse", new_name="Macro"),
        migrations.AlterModelOptions(
            name="macro",
            options={
                "ordering": ["service__code", "title"],
                "verbose_name": "macro",
                "verbose_name_plural": "macros",
            },
        ),
        migrations.AlterField(
            model_name="macro",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="macros",
                to="catalog.service",
                verbose_name="servicio",
            ),
        ),
        migrations.AddField(
            model_name="macro",
            name="public",
            field=models.BooleanField(
                default=False,
                help_text="Si se marca, el texto se envía al ciudadano como respuesta pública.",
                verbose_name="comentario público",
            ),
        ),
        migrations.AddField(
            model_name="macro",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Sin cambio de estado"),
                    ("resolve", "Resolver"),
                    ("pause", "Poner en espera del ciudadano"),
                ],
                default="",
                max_length=10,
                verbose_name="acción de estado",
            ),
        ),
        migrations.AddField(
            model_name="macro",
            name="pause_reason",
            field=models.CharField(
                blank=True,
                help_text="Obligatorio si la acción es poner en espera.",
                max_length=200,
                verbose_name="motivo de la espera",
            ),
        ),
        migrations.AddField(
            model_name="macro",
            name="priority",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Sin cambio de prioridad"),
                    ("low", "Baja"),
                    ("normal", "Normal"),
                    ("high", "Alta"),
                    ("urgent", "Urgente"),
                ],
                default="",
                max_length=10,
                verbose_name="prioridad",
            ),
        ),
        migrations.AddConstraint(
            model_name="macro",
            constraint=models.UniqueConstraint(fields=("service", "title"), name="macro_title_unique"),
        ),
        migrations.AddConstraint(
            model_name="macro",
            constraint=models.CheckConstraint(
                condition=models.Q(("body", ""), _negated=True), name="macro_body_required"
            ),
        ),
        migrations.AddConstraint(
            model_name="macro",
            constraint=models.CheckConstraint(
                condition=models.Q(("action__in", ["", "resolve", "pause"])),
                name="macro_action_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="macro",
            constraint=models.CheckConstraint(
                condition=models.Q(("priority__in", ["", "low", "normal", "high", "urgent"])),
                name="macro_priority_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="macro",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "pause"), _negated=True),
                    models.Q(("pause_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="macro_pause_reason_required",
            ),
        ),
    ]
