"""A run of the SLA repair after a calendar change: where it got to, so it resumes after a crash."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SlaRepairRun(models.Model):
    """Recomputing the open cases of one calendar, in batches of ascending case id.

    Each batch commits its cases, their events and ``cursor`` (the last case id done) in one
    transaction, so a run stopped at any point resumes after ``cursor`` and never does a case
    twice. ``cause`` is what the cases' events name (the notice, or the command).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("En curso")
        DONE = "done", _("Terminado")

    calendar = models.ForeignKey(
        "channels.BusinessCalendar",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calendario"),
    )
    notice = models.ForeignKey(
        "channels.CalendarNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_runs",
        verbose_name=_("aviso"),
    )
    cause = models.CharField(_("causa"), max_length=300)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    cursor = models.BigIntegerField(_("último caso revisado"), default=0)
    seen = models.PositiveIntegerField(_("casos revisados"), default=0)
    changed = models.PositiveIntegerField(_("casos recalculados"), default=0)
    lifted = models.PositiveIntegerField(_("vencimientos levantados"), default=0)
    breached = models.PositiveIntegerField(_("vencimientos nuevos"), default=0)
    started_at = models.DateTimeField(_("inicio"))
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("recálculo de plazos")
        verbose_name_plural = _("recálculos de plazos")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["running", "done"]), name="repair_run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cause} ({self.get_status_display()})"
