"""`python manage.py load_reference_data [--directory DIR] [--repair-sla]`: idempotent load of
reference_data/.

A calendar whose open time the load changed (new weekly hours, a new or changed exception, a
new días-inhábiles notice) moves the terms of its open cases: the command prints, per such
calendar, what recomputing them would change. With --repair-sla it starts that recomputation
(queued for the worker, or run in-process without Redis); without it, it names the
`sla_repair --calendar CODE` command to run once the change is confirmed (ADR 0014).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalog.reference_data import DEFAULT_DIRECTORY, ReferenceDataError, reference_data_load
from channels.models import BusinessCalendar
from channels.notices import preview_lines
from channels.ports import calendar_change_port
from channels.selectors import calendar_spec_cache_clear, calendar_spec_for


class Command(BaseCommand):
    help = "Carga (o actualiza) canales, calendarios, oficinas, direcciones, políticas y servicios."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)
        parser.add_argument(
            "--repair-sla",
            action="store_true",
            help="Recalcula los plazos de los casos abiertos de los calendarios que cambiaron.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        before = {c.pk: calendar_spec_for(c.pk) for c in BusinessCalendar.objects.all()}
        try:
            report = reference_data_load(options["directory"])
        except (ReferenceDataError, ValidationError) as error:
            raise CommandError(f"Datos de referencia inválidos: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Datos de referencia cargados ({report.changed} cambios).")
        )
        calendar_spec_cache_clear()
        for calendar in BusinessCalendar.objects.filter(pk__in=before).order_by("code"):
            self._open_time_changed(calendar, before[calendar.pk], options["repair_sla"])

    def _open_time_changed(self, calendar, old_spec, repair: bool) -> None:  # type: ignore[no-untyped-def]
        spec = calendar_spec_for(calendar.pk)
        if spec == old_spec:
            return
        now = timezone.now()
        port = calendar_change_port()
        preview = port.preview(calendar.pk, spec, now)
        self.stdout.write(f"Cambió el tiempo hábil del calendario {calendar.code}.")
        for line in preview_lines(preview):
            self.stdout.write(line)
        if not preview["changed"]:
            return
        if repair:
            with transaction.atomic():
                port.repair(calendar, None, now)
            self.stdout.write(f"Recálculo de plazos iniciado para {calendar.code}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Los plazos de los casos abiertos no se cambiaron. Para aplicarlos ejecute "
                    f"`python manage.py sla_repair --calendar {calendar.code}` "
                    f"(o cargue con --repair-sla)."
                )
            )
