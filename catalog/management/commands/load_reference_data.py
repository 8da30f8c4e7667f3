"""`python manage.py load_reference_data [--directory DIR]`: idempotent load of reference_data/."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.reference_data import DEFAULT_DIRECTORY, ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = "Carga (o actualiza) canales, calendarios, oficinas, direcciones, políticas y servicios."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            report = reference_data_load(options["directory"])
        except (ReferenceDataError, ValidationError) as error:
            raise CommandError(f"Datos de referencia inválidos: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Datos de referencia cargados ({report.changed} cambios)."))
