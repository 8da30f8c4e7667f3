"""Reads for surveys: who may be surveyed, the signed link, and what a link points at.

A link is `/encuesta/<token>/` where the token is the case id signed with the project's secret
key (`django.core.signing.TimestampSigner`, its own salt) and the signing time. It expires
`settings.SURVEY_LINK_MAX_AGE_DAYS` days after it was issued; it is single-use because a case
takes one answer (a unique constraint), after which the link shows "ya respondida".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cases.models import Case

from .errors import SurveyAlreadyAnswered, SurveyLinkExpired, SurveyLinkInvalid
from .models import SurveyAnswer

SURVEYED_STATUSES = ("resolved", "closed")
_SALT = "surveys.link"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def survey_recipient_ok(case: Case) -> bool:
    """A case whose citizen can be asked: identified, with an e-mail on the case (where its
    notices go, SPEC §8), who did not opt out."""
    contact = case.contact
    return bool(case.notice_email) and contact is not None and contact.consent_survey


def survey_token_for(case: Case) -> str:
    return _signer().sign(str(case.pk))


def survey_link_for(case: Case) -> str | None:
    """The absolute survey URL for a resolved case, or None when it must not be surveyed."""
    if case.status not in SURVEYED_STATUSES or not survey_recipient_ok(case):
        return None
    if SurveyAnswer.objects.filter(case_id=case.pk).exists():
        return None
    base = str(settings.PUBLIC_BASE_URL or "").rstrip("/")
    return base + reverse("surveys:answer", kwargs={"token": survey_token_for(case)})


def survey_notice_extras(case: Case) -> dict[str, str | None]:
    """What the resolution e-mail adds (the ``cases.ports`` notice extras): the survey link."""
    return {"survey_link": survey_link_for(case)}


def survey_case_id(token: str) -> int:
    """The case id a token was issued for; SurveyLinkExpired / SurveyLinkInvalid otherwise."""
    max_age = dt.timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS)
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired as expired:
        raise SurveyLinkExpired() from expired
    except signing.BadSignature as forged:
        raise SurveyLinkInvalid() from forged
    if not value.isdigit():
        raise SurveyLinkInvalid()
    return int(value)


def survey_case_for(token: str) -> Case:
    """The case a link may still be answered for (raises the reason it may not)."""
    case = (
        Case.objects.select_related("service", "contact").filter(pk=survey_case_id(token)).first()
    )
    if case is None or not survey_recipient_ok(case) or case.status not in SURVEYED_STATUSES:
        raise SurveyLinkInvalid()
    if SurveyAnswer.objects.filter(case_id=case.pk).exists():
        raise SurveyAlreadyAnswered()
    return case
