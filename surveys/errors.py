"""Why a survey link cannot be answered; the public page shows each in Spanish."""

from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.errors import ApplicationError, Conflict, NotFound


class SurveyLinkInvalid(NotFound):
    """Forged, altered or for a case that cannot be surveyed."""

    code = "survey_link_invalid"
    title = _("El enlace de la encuesta no es válido")


class SurveyLinkExpired(ApplicationError):
    status = 410
    code = "survey_link_expired"
    title = _("El enlace de la encuesta venció")


class SurveyAlreadyAnswered(Conflict):
    code = "survey_already_answered"
    title = _("Esta encuesta ya fue respondida")
