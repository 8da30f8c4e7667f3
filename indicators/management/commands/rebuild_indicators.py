"""`python manage.py rebuild_indicators`: facts, spells and rollups again from the event log."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from indicators.services import indicators_rebuild


class Command(BaseCommand):
    help = "Reconstruye desde cero los indicadores (hechos, periodos abiertos y resúmenes diarios)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {message}")
            self.stdout.flush()

        report = indicators_rebuild(timezone.now(), progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Listo: {report.cases} casos, {report.dates} días, hasta el evento {report.watermark} "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
