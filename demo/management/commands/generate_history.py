"""`python manage.py generate_history --cases N --months M [--seed S]`: bulk demo history."""

import os

from django.core.management.base import BaseCommand, CommandError

from demo.history import HistoryReport, history_generate


class Command(BaseCommand):
    help = (
        "Genera casos históricos realistas (volúmenes por canal y temporada, resoluciones, esperas, "
        "transferencias, reaperturas, vencimientos y encuestas) con eventos que los servicios "
        "pudieron haber producido."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--cases", type=int, required=True, help="número de casos")
        parser.add_argument(
            "--months", type=int, required=True, help="meses hacia atrás desde ahora"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="semilla (mismo resultado con la misma semilla y fecha)",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="casos por transacción")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="procesos en paralelo en PostgreSQL (en SQLite siempre 1); por omisión, los núcleos",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if min(options["cases"], options["months"], options["batch_size"], options["workers"]) < 1:
            raise CommandError(
                "--cases, --months, --batch-size y --workers deben ser mayores que cero."
            )

        def progress(report: HistoryReport) -> None:
            self.stdout.write(
                f"  {report.cases:>10,} casos  {report.events:>11,} eventos  "
                f"{report.rate:>8,.0f} casos/s"
            )

        report = history_generate(
            options["cases"],
            options["months"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            workers=options["workers"],
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Listo: {report.cases:,} casos, {report.events:,} eventos, {report.contacts:,} contactos, "
                f"{report.comments:,} comentarios y {report.surveys:,} encuestas en {report.seconds:,.1f} s "
                f"({report.rate:,.0f} casos/s)."
            )
        )
