"""Where the SLA monitor got to (one row): each pass scans only the thresholds since then."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlaMonitorMark(models.Model):
    """The SLA monitor's progress, a single row (pk 1).

    ``scanned_to``: every threshold at or before it was handled by a complete pass.
    ``full_scan_at``: the last pass that looked at every running case, whatever its instants
    (the periodic self-check; see `cases.sla.monitor`).
    """

    scanned_to = models.DateTimeField(_("revisado hasta"))
    full_scan_at = models.DateTimeField(_("última revisión completa"))

    class Meta:
        verbose_name = _("avance del monitor de plazos")
        verbose_name_plural = _("avance del monitor de plazos")

    def __str__(self) -> str:
        return f"{self.scanned_to:%Y-%m-%d %H:%M}"
