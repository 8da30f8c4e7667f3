"""Daily anchors of the history's hash chains (ADR 0013)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryAnchor(models.Model):
    """The chain heads of one day, sealed: itself a link of a chain of anchors.

    ``digest`` covers the head (as of the end of ``day``) of every case chain that grew that day
    and the access log's head, counting only rows with ids up to ``last_event_id`` /
    ``last_access_id`` (rows inserted later with an instant in that day — a backdated intake —
    belong to the next anchor). Exported for the Órgano Interno de Control, who keep the file
    outside the database: a rewritten history no longer matches their copy.
    """

    day = models.DateField(_("día"), unique=True)
    digest = models.CharField(_("resumen de las cabezas"), max_length=64)
    heads = models.PositiveIntegerField(_("cadenas"))
    events = models.PositiveIntegerField(_("eventos"))
    accesses = models.PositiveIntegerField(_("consultas de datos personales"))
    last_event_id = models.BigIntegerField(_("último evento"))
    last_access_id = models.BigIntegerField(_("última consulta"))
    prev_hash = models.CharField(_("huella anterior"), max_length=64, blank=True)
    anchor_hash = models.CharField(_("huella"), max_length=64)
    sealed_at = models.DateTimeField(_("sellado"))

    class Meta:
        verbose_name = _("ancla del historial")
        verbose_name_plural = _("anclas del historial")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.anchor_hash[:12]}"
