"""Transitions, comments, attachments and the timeline through the API (SPEC §4, §8, §9)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.events import Actor
from cases.models import Case, CaseEvent, Comment
from cases.services import TransitionInput, case_transition
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import PROBLEM, READ_WRITE, client_for, make_case, session_for, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():  # type: ignore[no-untyped-def]
    return client_for("Portal Mi Cuenta", READ_WRITE)


@pytest.fixture
def quejas():  # type: ignore[no-untyped-def]
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def private_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.folio}/{tail}"


def _unchanged(case: Case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version, fresh.assignee_id) == (
        case.status,
        case.version,
        case.assignee_id,
    )
    assert CaseEvent.objects.filter(case=case).count() == 2  # created, routed


# --- transitions --------------------------------------------------------------------------------


def test_area_staff_take_a_case_and_get_it_back(portal, quejas):
    _, client = portal
    case = make_case(Actor(client=client))
    api = session_for(quejas)

    response = api.post(_url(case, "transitions/"), {"action": "take"}, format="json")

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"3"'
    body = response.json()
    assert (body["status"], body["assignee"], body["version"]) == ("in_progress", "quejas", 3)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.kind, event.actor_user, event.data["action"]) == (
        "status_changed",
        quejas,
        "take",
    )


def test_a_client_acts_on_its_own_cases_and_its_take_keeps_the_assignee(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    body = api.post(_url(case, "transitions/"), {"action": "take"}, format="json").json()
    assert (body["status"], body["assignee"]) == ("in_progress", None)
    resolved = api.post(
        _url(case, "transitions/"),
        {"action": "resolve", "resolution": "Se corrigió la descarga."},
        format="json",
    ).json()
    assert (resolved["status"], resolved["sla"]["state"]) == ("resolved", "met")
    assert resolved["sla"]["resolved_at"] is not None


def test_an_action_the_status_does_not_allow_is_409_and_changes_nothing(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.post(_url(case, "transitions/"), {"action": "close"}, format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    _unchanged(case)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"action": "fly"}, "action", "invalid_choice"),
        ({}, "action", "required"),
        ({"action": "cancel"}, "reason", "required"),
        ({"action": "cancel", "reason": "   "}, "reason", "required"),
        ({"action": "assign", "assignee": "nadie"}, "assignee", "not_a_member"),
        ({"action": "transfer", "reason": "x"}, "area", "required"),
        ({"action": "reclassify", "service": "NO_EXISTE"}, "service", "does_not_exist"),
    ],
)
def test_malformed_transitions_are_400_and_change_nothing(portal, body, field, code):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.post(_url(case, "transitions/"), body, format="json")
    assert response.status_code == 400, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    _unchanged(case)


def test_if_match_guards_a_transition(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    url = _url(case, "transitions/")

    stale = api.post(url, {"action": "take"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    _unchanged(case)

    current = api.post(url, {"action": "take"}, format="json", HTTP_IF_MATCH='"2"')
    assert current.status_code == 200
    assert current.json()["version"] == 3


def test_a_transfer_answers_the_case_even_when_it_leaves_the_actors_sight(portal, quejas):
    _, client = portal
    case = make_case(Actor(client=client))
    api = session_for(quejas)

    response = api.post(
        _url(case, "transitions/"),
        {"action": "transfer", "reason": "Es de Cartera", "area": "cartera_administracion"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["area"], response.json()["directorate"]) == (
        "CARTERA_ADMINISTRACION",
        "CARTERA",
    )
    assert api.get(_url(case)).status_code == 404  # no longer theirs


def test_assign_to_a_member_of_the_area(portal, quejas):
    api, client = portal
    case = make_case(Actor(client=client))
    body = api.post(
        _url(case, "transitions/"), {"action": "assign", "assignee": "quejas"}, format="json"
    ).json()
    assert (body["status"], body["assignee"]) == ("assigned", "quejas")


def test_transitions_are_404_outside_scope_and_403_without_write(portal, agent):
    _, client = portal
    case = make_case(Actor(client=client))
    other, _ = client_for("Otro", READ_WRITE)
    reader, _ = client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL])
    cartera = staff("cartera", "area_staff", area_code="CARTERA_ADMINISTRACION")
    for api in (other, session_for(agent), session_for(cartera)):
        # even a malformed body: the case's existence is not revealed
        assert api.post(_url(case, "transitions/"), {}, format="json").status_code == 404
        assert (
            api.post(_url(case, "transitions/"), {"action": "take"}, format="json").status_code
            == 404
        )
    assert (
        reader.post(_url(case, "transitions/"), {"action": "take"}, format="json").status_code
        == 403
    )
    _unchanged(case)


# --- comments -----------------------------------------------------------------------------------


def test_comments_are_added_and_listed_oldest_first(portal, quejas):
    api, client = portal
    case = make_case(Actor(client=client))
    staff_api = session_for(quejas)

    first = staff_api.post(
        _url(case, "comments/"), {"body": "Revisamos su constancia.", "public": True}, format="json"
    )
    second = api.post(_url(case, "comments/"), {"body": "Nota interna"}, format="json")

    assert first.status_code == second.status_code == 201
    body = first.json()
    assert list(body) == ["id", "body", "public", "author", "created_at"]
    assert (body["body"], body["public"], body["author"]) == (
        "Revisamos su constancia.",
        True,
        "user:quejas",
    )
    assert (second.json()["public"], second.json()["author"]) == (False, "client:Portal Mi Cuenta")
    listed = api.get(_url(case, "comments/")).json()
    assert [c["id"] for c in listed] == [body["id"], second.json()["id"]]
    # The public staff comment is the first response
    detail = api.get(_url(case)).json()
    assert detail["sla"]["first_response_at"] is not None
    assert detail["version"] == 4


def test_a_comment_needs_a_body_and_an_open_case(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    empty = api.post(_url(case, "comments/"), {"body": ""}, format="json")
    assert [(e["field"], e["code"]) for e in empty.json()["errors"]] == [("body", "blank")]
    case_transition(
        case.folio,
        TransitionInput(action="cancel", reason="Duplicado"),
        Actor(client=client),
        timezone.now(),
    )
    closed = api.post(_url(case, "comments/"), {"body": "Hola"}, format="json")
    assert closed.status_code == 409
    assert not Comment.objects.exists()


def test_comments_are_404_outside_scope_and_403_without_scope(portal, agent):
    _, client = portal
    case = make_case(Actor(client=client))
    reader, _ = client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL])
    other, _ = client_for("Otro", READ_WRITE)
    assert session_for(agent).get(_url(case, "comments/")).status_code == 404
    assert other.post(_url(case, "comments/"), {"body": "x"}, format="json").status_code == 404
    assert reader.post(_url(case, "comments/"), {"body": "x"}, format="json").status_code == 403
    assert reader.get(_url(case, "comments/")).json() == []
    assert not Comment.objects.exists()


# --- attachments --------------------------------------------------------------------------------

TEXT = b"Constancia de intereses 2026\n"


def _upload(api, case: Case, content: bytes = TEXT, name: str = "constancia.txt"):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return api.post(_url(case, "attachments/"), {"file": file}, format="multipart")


def test_an_attachment_is_uploaded_listed_and_downloaded(portal, private_root):
    api, client = portal
    case = make_case(Actor(client=client))

    created = _upload(api, case)

    assert created.status_code == 201, created.content
    body = created.json()
    assert list(body) == [
        "id",
        "name",
        "content_type",
        "size",
        "sha256",
        "created_at",
        "download_url",
    ]
    assert (body["name"], body["content_type"], body["size"], body["sha256"]) == (
        "constancia.txt",
        "text/plain",
        len(TEXT),
        hashlib.sha256(TEXT).hexdigest(),
    )
    download_url = f"http://testserver/api/v1/cases/{case.folio}/attachments/{body['id']}/"
    assert body["download_url"] == download_url
    assert api.get(_url(case, "attachments/")).json() == [body]

    download = api.get(download_url, HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TEXT
    assert download["Content-Type"] == "text/plain"
    assert download["Content-Disposition"] == 'attachment; filename="constancia.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_file_of_a_forbidden_type_is_400(portal, private_root):
    api, client = portal
    case = make_case(Actor(client=client))
    html = _upload(api, case, b"<html><script>alert(1)</script></html>", "foto.png")
    missing = api.post(_url(case, "attachments/"), {}, format="multipart")
    assert [(e["field"], e["code"]) for e in html.json()["errors"]] == [
        ("file", "type_not_allowed")
    ]
    assert [(e["field"], e["code"]) for e in missing.json()["errors"]] == [("file", "required")]


def test_attachments_are_served_only_to_those_who_see_the_case(portal, private_root, agent):
    api, client = portal
    case = make_case(Actor(client=client))
    other_case = make_case(Actor(client=client))
    attachment_id = _upload(api, case).json()["id"]
    other, _ = client_for("Otro", READ_WRITE)

    assert other.get(_url(case, f"attachments/{attachment_id}/")).status_code == 404
    assert session_for(agent).get(_url(case, f"attachments/{attachment_id}/")).status_code == 404
    assert other.get(_url(case, "attachments/")).status_code == 404
    assert _upload(other, case).status_code == 404
    # An attachment asked for under another case's folio does not exist there
    assert api.get(_url(other_case, f"attachments/{attachment_id}/")).status_code == 404


# --- events -------------------------------------------------------------------------------------


def test_the_timeline_is_oldest_first_with_actor_labels(portal, quejas):
    api, client = portal
    case = make_case(Actor(client=client))
    case_transition(case.folio, TransitionInput(action="take"), Actor(user=quejas), timezone.now())

    response = api.get(_url(case, "events/"))

    assert response.status_code == 200
    events = response.json()
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("created", "client:Portal Mi Cuenta"),
        ("routed", "system"),
        ("status_changed", "user:quejas"),
    ]
    assert list(events[0]) == ["id", "kind", "at", "actor", "data"]
    assert events[2]["data"]["action"] == "take"
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_the_timeline_is_404_outside_scope(portal, agent):
    _, client = portal
    case = make_case(Actor(client=client))
    assert session_for(agent).get(_url(case, "events/")).status_code == 404
    assert session_for(staff("admin", "admin")).get(_url(case, "events/")).status_code == 200
