"""Answering: the service (one answer, one event) and the public page (no login, CSRF, Spanish)."""

import time

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.services import UserPlacement, user_create
from cases.models import CaseEvent
from infonavit_atencion.core.errors import ValidationFailed
from surveys import selectors
from surveys.errors import SurveyAlreadyAnswered
from surveys.models import SurveyAnswer
from surveys.selectors import survey_token_for
from surveys.services import SurveyInput, survey_answer
from tests.support.accounts import TEST_PASSWORD

from .support import RESOLVED, resolved_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):  # type: ignore[no-untyped-def]
    staff = user_create(
        "quejas",
        "area_staff",
        TEST_PASSWORD,
        UserPlacement(area_code="OPERACIONES_QUEJAS"),
    )
    return resolved_case(agent, staff)


def _url(case) -> str:  # type: ignore[no-untyped-def]
    return reverse("surveys:answer", kwargs={"token": survey_token_for(case)})


def _survey_events(case) -> list[CaseEvent]:  # type: ignore[no-untyped-def]
    return list(CaseEvent.objects.filter(case=case, kind="survey_answered"))


def test_survey_answer_stores_the_answer_and_exactly_one_event_with_the_scores(case):
    answer = survey_answer(survey_token_for(case), SurveyInput(4, 9, "  Muy amables.  "), RESOLVED)

    stored = SurveyAnswer.objects.get(case=case)
    assert (stored.pk, stored.csat, stored.nps, stored.comment, stored.answered_at) == (
        answer.pk,
        4,
        9,
        "Muy amables.",
        RESOLVED,
    )
    [event] = _survey_events(case)
    assert event.data == {"csat": 4, "nps": 9}
    assert (event.at, event.status, event.actor_user_id, event.actor_client_id) == (
        RESOLVED,
        "resolved",
        None,
        None,
    )
    assert (event.area_id, event.channel_id, event.service_id) == (
        case.area_id,
        case.channel_id,
        case.service_id,
    )


def test_a_second_answer_is_refused_and_changes_nothing(case):
    token = survey_token_for(case)
    survey_answer(token, SurveyInput(2, 3), RESOLVED)

    with pytest.raises(SurveyAlreadyAnswered):
        survey_answer(token, SurveyInput(5, 10), RESOLVED)

    assert list(SurveyAnswer.objects.values_list("csat", "nps")) == [(2, 3)]
    assert len(_survey_events(case)) == 1


def test_the_database_refuses_a_second_answer_for_a_case(case):
    SurveyAnswer.objects.create(case=case, csat=3, nps=5, answered_at=RESOLVED)

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.create(case=case, csat=4, nps=6, answered_at=RESOLVED)


@pytest.mark.parametrize(
    ("csat", "nps", "comment", "fields"),
    [
        (0, 5, "", ["csat"]),
        (6, 11, "", ["csat", "nps"]),
        (3, -1, "", ["nps"]),
        (3, 5, "x" * 2001, ["comment"]),
    ],
)
def test_out_of_range_scores_are_refused_and_nothing_is_stored(case, csat, nps, comment, fields):
    with pytest.raises(ValidationFailed) as refused:
        survey_answer(survey_token_for(case), SurveyInput(csat, nps, comment), RESOLVED)

    assert [e.field for e in refused.value.errors] == fields
    assert SurveyAnswer.objects.count() == 0
    assert _survey_events(case) == []


def test_the_page_asks_csat_nps_and_a_comment_in_spanish_without_login(case):
    response = Client().get(_url(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Encuesta de satisfacción" in html
    assert case.folio in html
    assert "csrfmiddlewaretoken" in html
    assert html.count('type="radio" name="csat"') == 5
    assert html.count('type="radio" name="nps"') == 11
    assert "<legend>¿Qué tan satisfecho está con la atención que recibió?" in html
    assert '<label for="id_comment">Comentario (opcional)</label>' in html
    assert case.contact.email not in html


def test_posting_the_form_answers_and_shows_thanks(case):
    browser = Client()

    response = browser.post(_url(case), {"csat": "5", "nps": "10", "comment": "Excelente"})

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks")
    assert "¡Gracias por responder!" in browser.get(response["Location"]).content.decode()
    assert list(SurveyAnswer.objects.values_list("case_id", "csat", "nps", "comment")) == [
        (case.pk, 5, 10, "Excelente")
    ]
    assert [e.data for e in _survey_events(case)] == [{"csat": 5, "nps": 10}]


def test_an_incomplete_form_is_shown_again_with_spanish_errors(case):
    response = Client().post(_url(case), {"csat": "9", "comment": "hola"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Elija un valor del 0 al 10." in html
    assert 'aria-invalid="true"' in html
    assert SurveyAnswer.objects.count() == 0


def test_a_post_without_csrf_token_is_refused(case):
    response = Client(enforce_csrf_checks=True).post(_url(case), {"csat": "5", "nps": "10"})

    assert response.status_code == 403
    assert SurveyAnswer.objects.count() == 0


def _expired_url(case) -> str:  # type: ignore[no-untyped-def]
    class Backdated(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 31 * 86400)

    token = Backdated(salt=selectors._SALT).sign(str(case.pk))
    return reverse("surveys:answer", kwargs={"token": token})


def test_used_forged_and_expired_links_show_spanish_pages(case, agent):
    url = _url(case)
    browser = Client()
    browser.post(url, {"csat": "4", "nps": "8"})

    used = browser.get(url)
    again = browser.post(url, {"csat": "1", "nps": "0"})
    forged = browser.get(reverse("surveys:answer", kwargs={"token": "1:abc:def"}))
    expired = browser.get(_expired_url(case))

    assert used.status_code == again.status_code == 409
    assert "Esta encuesta ya fue respondida" in used.content.decode()
    assert forged.status_code == 404
    assert "El enlace de la encuesta no es válido" in forged.content.decode()
    assert expired.status_code == 410
    assert "El enlace de la encuesta venció" in expired.content.decode()
    assert list(SurveyAnswer.objects.values_list("csat", flat=True)) == [4]


def test_the_admin_lists_answers_read_only(case, admin_user):
    survey_answer(survey_token_for(case), SurveyInput(5, 9, "Bien"), RESOLVED)
    browser = Client()
    browser.force_login(admin_user)

    listing = browser.get(reverse("admin:surveys_surveyanswer_changelist"))
    add = browser.get(reverse("admin:surveys_surveyanswer_add"))

    assert listing.status_code == 200
    assert case.folio in listing.content.decode()
    assert add.status_code == 403
