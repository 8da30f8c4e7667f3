"""`python manage.py sla_repair --calendar CODE [--dry-run]`: recompute the open cases of a
calendar after it changed (SPEC §11, ADR 0014), printing how many changed.

Without --dry-run it resumes the calendar's unfinished run if there is one (a crash, a killed
worker), else starts a new one; progress is printed per batch. --dry-run prints the preview
(counts by office, service and channel) and writes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import SlaRepairRun
from cases.sla.repair import (
    repair_notices_enqueue,
    sla_repair_continue,
    sla_repair_pending,
    sla_repair_start,
)
from cases.sla.repair_changes import BATCH_SIZE, sla_repair_preview
from channels.models import BusinessCalendar
from channels.notices import preview_lines


class Command(BaseCommand):
    help = "Recalcula los plazos de los casos abiertos de un calendario después de un cambio."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--calendar", required=True, help="Código del calendario.")
        parser.add_argument("--dry-run", action="store_true", help="Sólo muestra qué cambiaría.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--cause", default="", help="Motivo que registran los eventos.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        calendar = BusinessCalendar.objects.filter(code=options["calendar"]).first()
        if calendar is None:
            raise CommandError(f"No existe el calendario «{options['calendar']}».")
        if options["dry_run"]:
            preview = sla_repair_preview(calendar.pk, timezone.now()).as_dict()
            for line in preview_lines(preview):
                self.stdout.write(line)
            self.stdout.write(
                f"Simulación: {preview['changed']} casos cambiarían; no se escribió nada."
            )
            return
        run = sla_repair_pending(calendar)
        if run is not None:
            self.stdout.write(f"Se reanuda el recálculo {run.pk} después del caso {run.cursor}.")
        else:
            cause = options["cause"] or f"cambio del calendario {calendar.code}"
            run = sla_repair_start(calendar, cause, timezone.now())

        def progress(current: SlaRepairRun) -> None:
            self.stdout.write(f"  {current.seen} revisados, {current.changed} recalculados…")

        run = sla_repair_continue(
            run,
            timezone.now,
            size=options["batch_size"],
            notify=repair_notices_enqueue,
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.changed} casos cambiaron de {run.seen} abiertos "
                f"(vencimientos levantados: {run.lifted}, nuevos vencidos: {run.breached})."
            )
        )
