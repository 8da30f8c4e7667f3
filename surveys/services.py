"""Writes for surveys: the citizen's answer, stored once with its SURVEY_ANSWERED event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.events import SYSTEM, event_instant, event_record
from cases.models import Case, EventKind
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from .errors import SurveyAlreadyAnswered, SurveyLinkInvalid
from .models import COMMENT_MAX_LENGTH, CSAT_MAX, CSAT_MIN, NPS_MAX, NPS_MIN, SurveyAnswer
from .selectors import SURVEYED_STATUSES, survey_case_id, survey_recipient_ok


@dataclass(frozen=True)
class SurveyInput:
    csat: int
    nps: int
    comment: str = ""


def _checked(data: SurveyInput) -> SurveyInput:
    errors: list[FieldError] = []
    if not (isinstance(data.csat, int) and CSAT_MIN <= data.csat <= CSAT_MAX):
        errors.append(FieldError("csat", "out_of_range", _("Elija una calificación del 1 al 5.")))
    if not (isinstance(data.nps, int) and NPS_MIN <= data.nps <= NPS_MAX):
        errors.append(FieldError("nps", "out_of_range", _("Elija un valor del 0 al 10.")))
    comment = data.comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors.append(
            FieldError(
                "comment",
                "too_long",
                _("El comentario admite hasta %(n)s caracteres.") % {"n": COMMENT_MAX_LENGTH},
            )
        )
    if errors:
        raise ValidationFailed(_("Revise sus respuestas."), errors=errors)
    return SurveyInput(data.csat, data.nps, comment)


def survey_answer(token: str, data: SurveyInput, now: dt.datetime) -> SurveyAnswer:
    """Store the answer given through a survey link, in one transaction with exactly one
    SURVEY_ANSWERED event `{"csat", "nps"}` (the comment is not copied into the timeline).

    Refused, changing nothing: a forged or expired link, a case that is not resolved or
    closed (reopened since) or may not be surveyed, and a second answer for the same case.
    """
    case_id = survey_case_id(token)
    answer = _checked(data)
    with transaction.atomic():
        # The row lock orders two submissions of the same link; the unique constraint backs it.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("contact")
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.status not in SURVEYED_STATUSES or not survey_recipient_ok(case):
            raise SurveyLinkInvalid()
        if SurveyAnswer.objects.filter(case=case).exists():
            raise SurveyAlreadyAnswered()
        now = event_instant(case, now)
        try:
            with transaction.atomic():
                saved = SurveyAnswer.objects.create(
                    case=case,
                    csat=answer.csat,
                    nps=answer.nps,
                    comment=answer.comment,
                    answered_at=now,
                )
        except IntegrityError as clash:
            raise SurveyAlreadyAnswered() from clash
        event_record(
            case, EventKind.SURVEY_ANSWERED, SYSTEM, now, {"csat": answer.csat, "nps": answer.nps}
        )
    return saved
