"""Comments and the first response (SPEC §3, §6)."""

import datetime as dt

import pytest

from accounts.services import api_client_create
from cases.events import SYSTEM, Actor
from cases.models import CaseEvent
from cases.services.content import comment_add
from infonavit_atencion.core.errors import InvalidTransition, ValidationFailed

from .support import LATER, RECEIVED
from .support import act as _act
from .support import routed_case as _routed_case
from .support import snapshot as _snapshot

pytestmark = pytest.mark.django_db


# --- Comments and the first response --------------------------------------------------------


def test_the_first_public_staff_comment_is_the_first_response(agent, area_staff):
    # Given a routed case without a first response
    case = _routed_case(agent)
    assert case.first_response_at is None

    # When the area answers the citizen publicly
    comment = comment_add(
        case.folio, "  Revisamos su constancia.  ", True, Actor(user=area_staff), LATER
    )

    # Then the comment is stored, the first response is set at that instant and recorded once
    case.refresh_from_db()
    assert (comment.body, comment.public, comment.author_user, comment.author_client) == (
        "Revisamos su constancia.",
        True,
        area_staff,
        None,
    )
    assert case.first_response_at == LATER
    assert case.version == 3  # created 1, routed 2, commented 3
    event = CaseEvent.objects.get(case=case, kind="commented")
    assert event.data == {"comment": comment.pk, "public": True, "first_response": True}
    assert (event.at, event.actor_user, event.status) == (LATER, area_staff, "assigned")


def test_a_second_public_comment_does_not_move_the_first_response(agent, area_staff):
    case = _routed_case(agent)
    comment_add(case.folio, "Primera respuesta.", True, Actor(user=area_staff), LATER)

    second = comment_add(
        case.folio, "Segunda.", True, Actor(user=area_staff), LATER + dt.timedelta(hours=1)
    )

    case.refresh_from_db()
    assert case.first_response_at == LATER
    assert case.version == 4
    last = CaseEvent.objects.filter(case=case, kind="commented").order_by("id").last()
    assert last is not None
    assert last.data == {"comment": second.pk, "public": True}


def test_an_internal_comment_is_not_a_first_response(agent, area_staff):
    case = _routed_case(agent)

    comment = comment_add(
        case.folio, "Nota interna: falta validar el pago.", False, Actor(user=area_staff), LATER
    )

    case.refresh_from_db()
    assert case.first_response_at is None
    assert case.version == 3
    assert CaseEvent.objects.get(case=case, kind="commented").data == {
        "comment": comment.pk,
        "public": False,
    }


def test_a_public_comment_by_the_system_is_not_a_first_response(agent):
    case = _routed_case(agent)

    comment_add(case.folio, "Aviso automático: recibimos su caso.", True, SYSTEM, LATER)

    case.refresh_from_db()
    assert case.first_response_at is None
    event = CaseEvent.objects.get(case=case, kind="commented")
    assert (event.actor_user, event.actor_client, event.data["public"]) == (None, None, True)
    assert "first_response" not in event.data


def test_a_public_comment_by_an_api_client_is_a_first_response(agent):
    client, _key = api_client_create("Portal", "MICUENTA", ["cases:read", "cases:write"])
    case = _routed_case(agent)

    comment = comment_add(case.folio, "Su trámite avanza.", True, Actor(client=client), LATER)

    case.refresh_from_db()
    assert case.first_response_at == LATER
    assert (comment.author_user, comment.author_client) == (None, client)
    event = CaseEvent.objects.get(case=case, kind="commented")
    assert (event.actor_client, event.data["first_response"]) == (client, True)


def test_a_resolution_before_any_comment_is_the_first_response(agent, area_staff):
    # Given a case resolved without any public comment
    case = _act(
        _act(_routed_case(agent), "take", area_staff, RECEIVED),
        "resolve",
        area_staff,
        LATER,
        resolution="Listo.",
    )
    assert case.first_response_at == LATER

    # When a public comment follows
    comment_add(
        case.folio,
        "Le enviamos la constancia.",
        True,
        Actor(user=area_staff),
        LATER + dt.timedelta(hours=1),
    )

    # Then the first response stays at the resolution
    case.refresh_from_db()
    assert case.first_response_at == LATER
    assert "first_response" not in CaseEvent.objects.get(case=case, kind="commented").data


def test_a_resolution_after_a_public_comment_keeps_the_comment_as_first_response(agent, area_staff):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    comment_add(case.folio, "Estamos revisando.", True, Actor(user=area_staff), LATER)

    case = _act(case, "resolve", area_staff, LATER + dt.timedelta(hours=3), resolution="Resuelto.")

    assert case.first_response_at == LATER


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_a_comment_without_text_is_refused_and_changes_nothing(agent, area_staff, body):
    case = _routed_case(agent)
    before = _snapshot(case)

    with pytest.raises(ValidationFailed) as refusal:
        comment_add(case.folio, body, True, Actor(user=area_staff), LATER)

    assert [(e.field, e.code) for e in refusal.value.errors] == [("body", "required")]
    assert _snapshot(case) == before


@pytest.mark.parametrize("final", ["close", "cancel"])
def test_a_closed_or_cancelled_case_takes_no_comment(agent, area_staff, final):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    if final == "close":
        case = _act(case, "resolve", area_staff, RECEIVED, resolution="Listo.")
    case = _act(case, final, area_staff, RECEIVED, reason="Duplicado")
    before = _snapshot(case)

    with pytest.raises(InvalidTransition) as refusal:
        comment_add(case.folio, "¿Sigue abierto?", True, Actor(user=area_staff), LATER)

    assert refusal.value.status == 409
    assert "no admite comentarios" in str(refusal.value.detail)
    assert _snapshot(case) == before


def test_comment_add_runs_a_fixed_number_of_queries(
    agent, area_staff, django_assert_max_num_queries
):
    case = _routed_case(agent)
    # savepoint, lock, the last event's instant, insert comment, update case, insert event
    # (+ savepoint release)
    with django_assert_max_num_queries(7):
        comment_add(case.folio, "Respuesta.", True, Actor(user=area_staff), LATER)
