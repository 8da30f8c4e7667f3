"""`python manage.py seal_anchors`: seal the days not anchored yet, up to yesterday (ADR 0013)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.anchors import anchors_seal


class Command(BaseCommand):
    help = "Sella las anclas diarias del historial pendientes, hasta ayer (la tarea diaria hace lo mismo)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        sealed = anchors_seal(timezone.now())
        for anchor in sealed:
            self.stdout.write(
                f"{anchor.day.isoformat()}  {anchor.heads:>8,} cadenas  {anchor.anchor_hash}"
            )
        self.stdout.write(f"{len(sealed)} anclas selladas.")
