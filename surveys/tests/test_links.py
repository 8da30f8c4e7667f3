"""The survey link: signed, expiring, only for citizens who can be asked, in the resolution e-mail."""

import time

import pytest
from django.core import mail, signing
from django.test import override_settings

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput
from surveys import selectors
from surveys.errors import SurveyAlreadyAnswered, SurveyLinkExpired, SurveyLinkInvalid
from surveys.models import SurveyAnswer
from surveys.selectors import survey_case_for, survey_case_id, survey_link_for, survey_token_for
from surveys.services import SurveyInput, survey_answer
from tests.support.accounts import TEST_PASSWORD

from .support import ANA, RECEIVED, RESOLVED, resolved_case

pytestmark = pytest.mark.django_db


def _queja_staff():  # type: ignore[no-untyped-def]
    return user_create(
        "quejas",
        "area_staff",
        TEST_PASSWORD,
        UserPlacement(area_code="OPERACIONES_QUEJAS"),
    )


def _old_token(case_id: int, days: int) -> str:
    class Backdated(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * 86400)

    return Backdated(salt=selectors._SALT).sign(str(case_id))


@override_settings(PUBLIC_BASE_URL="https://atencion.example.mx/")
def test_a_resolved_case_gets_an_absolute_signed_link_for_its_own_case(agent):
    case = resolved_case(agent, _queja_staff())

    link = survey_link_for(case)

    assert link is not None
    prefix = "https://atencion.example.mx/encuesta/"
    assert link.startswith(prefix) and link.endswith("/")
    token = link[len(prefix) : -1]
    assert survey_case_id(token) == case.pk
    assert token.split(":")[0] == str(case.pk)


def test_no_link_while_open_for_an_anonymous_denuncia_without_email_or_opted_out(agent):
    staff = _queja_staff()
    open_case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactInput(
                given_names="Eva", first_surname="Ruiz", nss="12345678903", email="eva@example.com"
            ),
            description="Sin respuesta.",
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    no_email = resolved_case(
        agent, staff, ContactInput(given_names="Luis", first_surname="Gómez", nss="00000000018")
    )
    opted_out = resolved_case(
        agent,
        staff,
        ContactInput(
            given_names="Rosa", first_surname="Mena", nss="00000000026", email="rosa@example.com"
        ),
    )
    opted_out.contact.consent_survey = False
    opted_out.contact.save(update_fields=["consent_survey"])
    anonymous = case_create(
        CaseInput(
            service="DENUNCIA_CORRUPCION",
            channel="MICUENTA",
            anonymous=True,
            description="Me pidieron dinero por agilizar un trámite.",
        ),
        Actor(user=agent),
        RECEIVED,
    ).case

    assert survey_link_for(open_case) is None
    assert survey_link_for(no_email) is None
    assert survey_link_for(opted_out) is None
    assert survey_link_for(anonymous) is None
    assert selectors.survey_recipient_ok(anonymous) is False


def test_the_resolution_email_carries_the_survey_link(agent, django_capture_on_commit_callbacks):
    staff = _queja_staff()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case = resolved_case(agent, staff)

    [message] = [m for m in mail.outbox if m.subject.endswith("fue resuelto")]
    assert message.to == [ANA.email]
    [line] = [line for line in message.body.splitlines() if "/encuesta/" in line]
    assert line.startswith("Cuéntenos cómo le atendimos en una encuesta de un minuto: http://")
    token = line.rsplit("/encuesta/", 1)[1].rstrip("/")
    assert survey_case_id(token) == case.pk


def test_the_resolution_email_without_survey_for_a_contact_who_opted_out(
    agent, django_capture_on_commit_callbacks
):
    contact = ContactInput(
        given_names="Rosa", first_surname="Mena", nss="00000000026", email="rosa@example.com"
    )
    staff = _queja_staff()
    first = resolved_case(agent, staff, contact)
    first.contact.consent_survey = False
    first.contact.save(update_fields=["consent_survey"])
    case = case_transition(
        first.folio, TransitionInput("reopen", reason="No quedó"), Actor(user=staff), RESOLVED
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case.folio, TransitionInput("resolve", resolution="Listo."), Actor(user=staff), RESOLVED
        )

    [message] = mail.outbox
    assert "fue resuelto" in message.subject
    assert "/encuesta/" not in message.body


def test_a_forged_or_altered_token_is_invalid(agent):
    case = resolved_case(agent, _queja_staff())
    token = survey_token_for(case)
    other_id = f"{case.pk + 1}:" + token.split(":", 1)[1]

    for bad in (
        "garbage",
        token[:-2] + "xx",
        other_id,
        signing.TimestampSigner(salt="other").sign(str(case.pk)),
    ):
        with pytest.raises(SurveyLinkInvalid):
            survey_case_for(bad)


@override_settings(SURVEY_LINK_MAX_AGE_DAYS=30)
def test_a_link_expires_after_the_configured_days(agent):
    case = resolved_case(agent, _queja_staff())

    assert survey_case_for(_old_token(case.pk, 29)) == case
    with pytest.raises(SurveyLinkExpired):
        survey_case_for(_old_token(case.pk, 31))
    with pytest.raises(SurveyLinkExpired):
        survey_answer(_old_token(case.pk, 31), SurveyInput(5, 10), RESOLVED)
    assert SurveyAnswer.objects.count() == 0


def test_a_used_link_and_a_reopened_case_refuse_the_link(agent):
    staff = _queja_staff()
    case = resolved_case(agent, staff)
    token = survey_token_for(case)
    survey_answer(token, SurveyInput(4, 9), RESOLVED)
    reopened = resolved_case(
        agent,
        staff,
        ContactInput(
            given_names="Eva", first_surname="Ruiz", nss="12345678903", email="eva@example.com"
        ),
    )
    reopened_token = survey_token_for(reopened)
    case_transition(
        reopened.folio,
        TransitionInput("reopen", reason="Sigue fallando"),
        Actor(user=staff),
        RESOLVED,
    )

    with pytest.raises(SurveyAlreadyAnswered):
        survey_case_for(token)
    assert survey_link_for(case) is None
    with pytest.raises(SurveyLinkInvalid):
        survey_case_for(reopened_token)
