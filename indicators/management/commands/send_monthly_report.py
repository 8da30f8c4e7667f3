"""`python manage.py send_monthly_report [--month YYYY-MM] [--dry-run]`: the monthly channel
workbook to every supervisor, as beat sends it on the 1st (idempotent: nobody is mailed twice)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from indicators.exports.monthly import month_label
from indicators.exports.monthly_delivery import monthly_report_send, previous_month

OUTCOMES = {
    "sent": "enviado",
    "already_sent": "ya se había enviado",
    "failed": "falló (se reintentará en la siguiente ejecución)",
    "no_scope": "sin ámbito de supervisión",
    "dry_run": "sin enviar (--dry-run)",
}


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a month, no instant)
    except ValueError as error:
        raise CommandError(f"Mes inválido «{value}»; use AAAA-MM.") from error


class Command(BaseCommand):
    help = (
        "Genera el informe mensual de eficiencia de canales (Excel con tablas y gráficas) y lo "
        "envía a cada supervisor con las cifras de su ámbito. Por omisión, el mes anterior."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="Mes del informe, AAAA-MM (por omisión, el anterior).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Genera los libros y muestra a quién irían, sin guardar ni enviar nada.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        month = _month(options["month"]) if options["month"] else previous_month(now)
        deliveries = monthly_report_send(month, now, dry_run=options["dry_run"])
        self.stdout.write(f"Informe de {month_label(month)}: {len(deliveries)} supervisor(es).")
        for d in deliveries:
            size = f", {d.size / 1024:.0f} KiB" if d.size else ""
            self.stdout.write(
                f"  {d.username} <{d.email}> · {d.scope}: {OUTCOMES[d.outcome]}{size}"
            )
        sent = sum(1 for d in deliveries if d.outcome == "sent")
        failed = sum(1 for d in deliveries if d.outcome == "failed")
        style = self.style.ERROR if failed else self.style.SUCCESS
        self.stdout.write(style(f"Enviados: {sent}; fallidos: {failed}."))
