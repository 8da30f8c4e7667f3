"""`python manage.py verify_history [--since DATE]`: check the history's hash chains (SPEC §11).

Exit 0 when the case events' chains, the access log's chain and the daily anchors are intact;
1 naming the first broken link: the case's folio and event, the log row or the anchor's day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.anchors import anchors_verify
from cases.integrity import ChainReport, access_log_verify, events_verify

CHAIN_NAMES = {"events": "eventos de casos", "access_log": "bitácora de datos personales"}


class Command(BaseCommand):
    help = (
        "Verifica las cadenas de huellas de los eventos de los casos, de la bitácora de consultas de "
        "datos personales y de las anclas diarias. Sale con 0 si están íntegras y con 1 nombrando el "
        "primer eslabón roto."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=None,
            help="AAAA-MM-DD: sólo las cadenas con movimientos desde ese día",
        )

    def _progress(self, chain: str, checked: int, seconds: float) -> None:
        rate = checked / seconds if seconds else 0.0
        self.stderr.write(f"  {CHAIN_NAMES[chain]}: {checked:,} revisados ({rate:,.0f}/s)")

    def _summary(self, report: ChainReport) -> None:
        self.stdout.write(
            f"{CHAIN_NAMES[report.chain]}: {report.checked:,} revisados en {report.seconds:.1f} s "
            f"({report.rate:,.0f}/s)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        day: dt.date | None = options["since"]
        since = (
            dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
            if day
            else None
        )

        events = events_verify(since, self._progress)
        self._summary(events)
        if events.broken is not None:
            broken = events.broken
            raise CommandError(
                f"Cadena rota en el caso {broken.folio}: evento {broken.row_id} ({broken.at.isoformat()})."
            )
        access = access_log_verify(since, self._progress)
        self._summary(access)
        if access.broken is not None:
            broken = access.broken
            raise CommandError(
                f"Cadena rota en la bitácora de datos personales: registro {broken.row_id} "
                f"({broken.at.isoformat()})."
            )
        anchors, anchor_break = anchors_verify(day)
        if anchor_break is not None:
            why = "su enlace" if anchor_break.reason == "link" else "las cabezas que selló"
            raise CommandError(f"Ancla del {anchor_break.day.isoformat()} alterada ({why}).")
        self.stdout.write(f"anclas diarias: {anchors:,} revisadas")
        self.stdout.write(self.style.SUCCESS("Historial íntegro."))
