"""`python manage.py routing_dry_run --since YYYY-MM-DD [--rules FILE]`: simulate a rule set.

Replays the cases received since the date through the candidate rules (the active rules when no
file is given) and prints how many would be routed to a different area, and where. Writes
nothing. The file format is in docs/examples/routing_rules.yaml.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.routing.dry_run import routing_dry_run
from cases.routing.rule_files import rule_specs_from_file
from cases.routing.rules import active_rules
from infonavit_atencion.core.errors import ValidationFailed


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Fecha inválida «{value}»; use AAAA-MM-DD.") from error


class Command(BaseCommand):
    help = "Simula el turno de los casos recibidos desde una fecha con un conjunto de reglas candidato."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", required=True, help="Fecha inicial (AAAA-MM-DD, hora del centro)."
        )
        parser.add_argument(
            "--rules",
            type=Path,
            help="Archivo YAML o JSON con las reglas candidatas (por omisión, las activas).",
        )

    def handle(self, *args: object, **options: object) -> None:
        since = _date(str(options["since"]))
        path = options.get("rules")
        try:
            rules = rule_specs_from_file(path) if isinstance(path, Path) else active_rules()
        except ValidationFailed as error:
            details = [e.message for e in error.errors if e.message != str(error.detail)]
            raise CommandError("\n".join([str(error.detail), *details])) from error
        report = routing_dry_run(since, rules)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Simulación terminada; no se modificó ningún caso."))
