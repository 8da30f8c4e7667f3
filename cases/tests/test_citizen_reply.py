"""The citizen answers on their case (SPEC §8): the public reply API and its service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.events import Actor
from cases.models import Case, CaseEvent, Comment
from cases.routing.engine import case_route
from cases.services import (
    CaseInput,
    TransitionInput,
    case_citizen_reply,
    case_create,
    case_transition,
    comment_add,
)
from contacts.services import ContactInput

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _case(agent, **overrides) -> Case:
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": ContactInput(
            given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana@example.com"
        ),
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    case = case_create(CaseInput(**values), Actor(user=agent), RECEIVED).case
    routed = case_route(case.pk, RECEIVED)
    assert routed is not None
    return routed


def _waiting(agent, area_staff, paused_at) -> Case:
    case = _case(agent)
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    return case_transition(
        case.folio,
        TransitionInput("pause", reason="Falta su identificación"),
        Actor(user=area_staff),
        paused_at,
    )


def _post(folio, code, body):
    return APIClient().post(
        f"/api/v1/public/cases/{folio}/comments/?code={code}", {"body": body}, format="json"
    )


def test_the_reply_is_a_public_comment_by_the_citizen_shown_in_the_public_timeline(agent):
    case = _case(agent)

    response = _post(
        case.folio, case.tracking_code.lower(), "  Adjunto mi identificación por otro medio.  "
    )

    assert response.status_code == 201
    assert set(response.json()) == {"body", "author", "created_at"}
    assert (response.json()["body"], response.json()["author"]) == (
        "Adjunto mi identificación por otro medio.",
        "ciudadano",
    )
    comment = Comment.objects.get(case=case)
    assert (comment.public, comment.by_citizen, comment.author_user, comment.author_client) == (
        True,
        True,
        None,
        None,
    )
    event = CaseEvent.objects.filter(case=case, kind="commented").get()
    assert (event.data, event.actor_user, event.actor_client) == (
        {"comment": comment.pk, "public": True, "by": "citizen"},
        None,
        None,
    )
    shown = (
        APIClient().get(f"/api/v1/public/cases/{case.folio}/", {"code": case.tracking_code}).json()
    )
    assert shown["public_comments"] == [response.json()]
    case.refresh_from_db()
    assert (case.first_response_at, case.status) == (None, "assigned")  # the citizen is not staff


def test_a_wrong_code_or_folio_is_the_same_404_and_writes_nothing(agent):
    case = _case(agent)

    wrong_code = _post(case.folio, "AAAAAAAAAA", "Hola")
    wrong_folio = _post("ATN-2026-99999999", case.tracking_code, "Hola")

    assert wrong_code.status_code == wrong_folio.status_code == 404
    assert wrong_code["Content-Type"].startswith("application/problem+json")
    assert wrong_code.json() == wrong_folio.json()
    assert Comment.objects.count() == 0


def test_a_closed_or_cancelled_case_refuses_with_409_and_writes_nothing(agent):
    case = _case(agent)
    case_transition(
        case.folio, TransitionInput("cancel", reason="Duplicado"), Actor(user=agent), RECEIVED
    )
    events = CaseEvent.objects.filter(case=case).count()

    response = _post(case.folio, case.tracking_code, "¿Por qué se canceló?")

    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "ya no admite comentarios" in response.json()["detail"]
    assert (Comment.objects.count(), CaseEvent.objects.filter(case=case).count()) == (0, events)


def test_an_empty_or_oversized_body_is_a_400_naming_the_field(agent):
    case = _case(agent)
    empty = _post(case.folio, case.tracking_code, "   ")
    huge = _post(case.folio, case.tracking_code, "x" * 10_001)
    assert (empty.status_code, huge.status_code) == (400, 400)
    assert [e["field"] for e in huge.json()["errors"]] == ["body"]
    assert Comment.objects.count() == 0


def test_replies_are_throttled_with_the_look_up(agent, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "2/min"
    case = _case(agent)
    looked = APIClient().get(f"/api/v1/public/cases/{case.folio}/", {"code": case.tracking_code})

    first = _post(case.folio, case.tracking_code, "Uno")
    blocked = _post(case.folio, case.tracking_code, "Dos")

    assert (looked.status_code, first.status_code, blocked.status_code) == (200, 201, 429)
    assert int(blocked["Retry-After"]) > 0
    assert list(Comment.objects.values_list("body", flat=True)) == ["Uno"]


def test_a_reply_resumes_a_waiting_case_through_the_api(agent, area_staff):
    case = _waiting(agent, area_staff, RECEIVED + dt.timedelta(hours=1))

    response = _post(case.folio, case.tracking_code, "Ya envié mi identificación.")

    assert response.status_code == 201
    case.refresh_from_db()
    assert (case.status, case.paused_at) == ("in_progress", None)
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", "data__action")
    )
    assert kinds[-2:] == [("commented", None), ("status_changed", "resume")]


def test_the_resume_extends_the_sla_by_the_wait_exactly_and_gives_no_first_response(
    agent, area_staff
):
    # Paused Friday 20 Nov 17:00, the citizen answers Monday 23 Nov 10:00: 2 business hours
    # waited, so due Wednesday 9 Dec 18:00 becomes Thursday 10 Dec 11:00 (17:00 UTC).
    paused = dt.datetime(2026, 11, 20, 17, 0, tzinfo=MX)
    replied = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MX)
    case = _waiting(agent, area_staff, paused)
    assert case.resolution_due_at == dt.datetime(2026, 12, 10, 0, 0, tzinfo=dt.UTC)

    case_citizen_reply(case.folio, "Aquí está.", replied)

    case.refresh_from_db()
    assert case.resolution_due_at == dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)
    assert (case.paused_open_seconds, case.first_response_at, case.status) == (
        7200,
        None,
        "in_progress",
    )
    resume = CaseEvent.objects.get(case=case, data__action="resume")
    assert (resume.at, resume.actor_user, resume.data["paused_open_seconds"]) == (
        replied,
        None,
        7200,
    )


def test_an_anonymous_denuncia_holds_a_question_and_answer_by_folio_and_code(agent):
    case = _case(
        agent,
        service="DENUNCIA_COYOTES",
        contact=None,
        anonymous=True,
        description="Un gestor cobra.",
    )
    asked = _post(case.folio, case.tracking_code, "¿Necesitan el nombre del gestor?")
    comment_add(
        case.folio, "Sí, si lo conoce.", True, Actor(user=agent), RECEIVED + dt.timedelta(hours=2)
    )

    shown = (
        APIClient().get(f"/api/v1/public/cases/{case.folio}/", {"code": case.tracking_code}).json()
    )
    assert asked.status_code == 201
    assert [(c["author"], c["body"]) for c in shown["public_comments"]] == [
        ("ciudadano", "¿Necesitan el nombre del gestor?"),
        ("infonavit", "Sí, si lo conoce."),
    ]
