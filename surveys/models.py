"""Satisfaction surveys (SPEC §7): one answer per case, given through a signed link."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CSAT_MIN, CSAT_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10
COMMENT_MAX_LENGTH = 2000


class SurveyAnswer(models.Model):
    """What the citizen answered. The scores are also in the case's SURVEY_ANSWERED event
    (indicators read them there); the free-text comment stays only here."""

    # One-to-one: the database refuses a second answer for the same case.
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="survey_answer", verbose_name=_("caso")
    )
    csat = models.PositiveSmallIntegerField(_("satisfacción (1–5)"))
    nps = models.PositiveSmallIntegerField(_("recomendación (0–10)"))
    comment = models.TextField(_("comentario"), blank=True, max_length=COMMENT_MAX_LENGTH)
    answered_at = models.DateTimeField(_("respondida"))

    class Meta:
        verbose_name = _("respuesta de encuesta")
        verbose_name_plural = _("respuestas de encuesta")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__gte=CSAT_MIN, csat__lte=CSAT_MAX), name="survey_csat_1_5"
            ),
            models.CheckConstraint(
                condition=Q(nps__gte=NPS_MIN, nps__lte=NPS_MAX), name="survey_nps_0_10"
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: CSAT {self.csat}, NPS {self.nps}"
