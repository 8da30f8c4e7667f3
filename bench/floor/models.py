"""One table shaped like the application's cases (the columns a list or a create touches)."""

from django.db import models


class FloorCase(models.Model):
    folio = models.CharField(max_length=30, unique=True)
    status = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    service = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    description = models.TextField()
    given_names = models.CharField(max_length=100)
    first_surname = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    received_at = models.DateTimeField()
    resolution_due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: models.Manager["FloorCase"] = models.Manager()  # declared: not a project app

    class Meta:
        # Created and filled by bench/floor/load.py (SQL, generate_series), not by migrations.
        managed = False
        db_table = "floor_case"

    def __str__(self) -> str:
        return self.folio
