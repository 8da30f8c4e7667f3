"""`python manage.py export_anchors [--format json|csv] [--since DATE] [--output FILE]`.

The daily anchors for the Órgano Interno de Control, who keep them outside the database.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from cases.anchors import anchors_export


class Command(BaseCommand):
    help = "Exporta las anclas diarias del historial (JSON o CSV) para conservarlas fuera de la base de datos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--since", type=dt.date.fromisoformat, default=None, help="AAAA-MM-DD")
        parser.add_argument(
            "--output", type=Path, default=None, help="archivo (por omisión, la salida estándar)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        text = anchors_export(options["format"], options["since"])
        if options["output"] is None:
            self.stdout.write(text, ending="")
        else:
            options["output"].write_text(text, encoding="utf-8")
