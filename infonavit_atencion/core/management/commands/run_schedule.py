"""`manage.py run_schedule`: the periodic work in-process when there is no broker (no REDIS_URL)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from infonavit_atencion.core.schedule import InProcessScheduler


class Command(BaseCommand):
    help = "Ejecuta en este proceso las tareas periódicas (CELERY_BEAT_SCHEDULE) hasta recibir SIGTERM o Ctrl+C."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        scheduler = InProcessScheduler(settings.CELERY_BEAT_SCHEDULE)
        names = ", ".join(entry.name for entry in scheduler.entries)
        self.stdout.write(_("Tareas periódicas en este proceso: %(names)s.") % {"names": names})
        scheduler.run(stop)
        self.stdout.write(_("Tareas periódicas detenidas."))
