from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cases.ports import notice_extras_register  # imports no model: safe before ready()


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Encuestas de satisfacción")

    def ready(self) -> None:
        # The resolution e-mail carries the survey link.
        notice_extras_register("resolution", "surveys.selectors.survey_notice_extras")
