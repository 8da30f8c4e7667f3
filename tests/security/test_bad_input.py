"""Malformed input is a Spanish 4xx that writes nothing, never a 500 (SPEC §8, §9).

Attacks: dates at the ends of Python's range (year 1, year 9999: adding a day or moving to
another timezone overflows) and impossible dates (30 February); JSON bodies nested thousands of
levels deep (RecursionError); JSON that does not parse (the parser's English text leaked);
texts far longer than any real one (a 1 MB description).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from cases.limits import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RESOLUTION_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)
from cases.models import Case, Comment
from infonavit_atencion.core.json_parser import MAX_JSON_DEPTH
from tests.support.cases import READ_WRITE, client_for, payload
from tests.support.intake import NEW_URL, form_body

from .support import World

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
OUT_OF_RANGE = "La fecha debe estar entre 1900-01-01 y 2999-12-31."


@pytest.fixture
def portal():  # type: ignore[no-untyped-def]
    api, _client = client_for("portal_seguro", READ_WRITE)
    api.raise_request_exception = False  # a crash must show as the 500 a caller would see
    return api


def _session(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("received_before=9999-12-31", "received_before"),
        ("received_after=0001-01-01", "received_after"),
        ("received_after=0001-01-01T00:00:00%2B05:00", "received_after"),
        ("received_before=9999-12-31T23:00:00-06:00", "received_before"),
    ],
)
def test_a_case_list_filter_at_the_ends_of_the_calendar_is_a_400(portal, query, field):
    response = portal.get(f"/api/v1/cases/?{query}")
    assert _field_errors(response) == {field: OUT_OF_RANGE}


@pytest.mark.parametrize(
    ("received_at", "message"),
    [
        ("2026-02-30T10:00:00-06:00", None),
        ("9999-12-31T23:59:59-12:00", OUT_OF_RANGE),
        ("0001-01-01T00:00:00+06:00", OUT_OF_RANGE),
    ],
)
def test_an_impossible_or_out_of_range_received_at_is_a_400_and_writes_nothing(
    portal, received_at, message
):
    response = portal.post("/api/v1/cases/", payload(received_at=received_at), format="json")
    errors = _field_errors(response)
    assert list(errors) == ["received_at"]
    if message:
        assert errors["received_at"] == message
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "query", ["from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=0001-01-02"]
)
def test_indicator_dates_at_the_ends_of_the_calendar_are_a_400(supervisor, query):
    response = _session(supervisor).get(f"/api/v1/indicators/?{query}")
    assert _field_errors(response)["from"] == OUT_OF_RANGE


@pytest.mark.parametrize(
    "path",
    [
        "/tablero/tendencia/?from=0001-01-01&to=0001-01-05",
        "/tablero/casos/?metric=received&from=9999-12-31&to=9999-12-31",
        "/tablero/casos/?metric=received&from=2026-01-01&to=2026-01-02&day=9999-12-31",
        "/tablero/metas/?from=9999-12-31&to=9999-12-31",
        "/exportaciones/indicadores/?from=9999-12-31&to=9999-12-31&formato=csv",
    ],
)
def test_dashboard_and_export_dates_at_the_ends_of_the_calendar_are_a_400_page(supervisor, path):
    response = _session(supervisor).get(path)
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.parametrize("query", ["received_before=9999-12-31", "received_after=0001-01-01"])
def test_queue_filters_at_the_ends_of_the_calendar_show_the_form_error(supervisor, query):
    response = _session(supervisor).get(f"/casos/?cola=all&{query}")
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()


def test_a_queue_export_with_an_out_of_range_filter_is_refused(supervisor):
    response = _session(supervisor).post(
        "/exportaciones/casos/",
        {"consulta": "cola=all&received_before=9999-12-31", "formato": "csv"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/casos/?")


# --- JSON bodies ------------------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEEP + "]" * DEEP,
        '{"a":' * DEEP + "1" + "}" * DEEP,
        '{"description": ' + "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1) + "}",
    ],
    ids=["arrays", "objects", "just-over-the-limit"],
)
def test_a_deeply_nested_json_body_is_a_400_and_writes_nothing(portal, body):
    response = portal.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Solicitud mal formada"
    assert response.json()["detail"] == (
        f"El JSON anida más de {MAX_JSON_DEPTH} niveles de listas y objetos."
    )
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            b'{"service": "X", "description": }',
            "El cuerpo no es JSON válido (línea 1, columna 33).",
        ),
        (b"{}\n{}", "El cuerpo no es JSON válido (línea 2, columna 1)."),
        (b'{"description": "\xff\xfe"}', "El cuerpo no está en UTF-8."),
        (b'{"description": "x", "priority": NaN}', "NaN e Infinity no son válidos en JSON."),
        (b'{"description": "x", "priority": -Infinity}', "NaN e Infinity no son válidos en JSON."),
        (b'{"description": "x", "priority": 1e400}', "NaN e Infinity no son válidos en JSON."),
        (b'{"description": ' + b"9" * 5000 + b"}", "El cuerpo no es JSON válido."),
    ],
)
def test_a_body_that_is_not_json_is_explained_in_spanish(portal, body, detail):
    response = portal.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == detail
    assert Case.objects.count() == 0


def test_parse_errors_are_spanish_on_every_json_endpoint(world: World):
    before = world.footprint()
    for path in (
        f"/api/v1/cases/{world.case.folio}/comments/",
        f"/api/v1/cases/{world.case.folio}/transitions/",
        "/api/v1/webhooks/",
    ):
        response = world.api("owner").post(path, b"[" * DEEP, content_type="application/json")
        assert response.status_code == 400, path
        assert response.json()["detail"].startswith("El JSON anida más de"), path
    assert world.footprint() == before


# --- text lengths -----------------------------------------------------------------------------

LIMIT_MESSAGE = "Asegúrese de que este campo no tenga más de {} caracteres."


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("description", DESCRIPTION_MAX_LENGTH),
        ("subject", SUBJECT_MAX_LENGTH),
        ("resolution", RESOLUTION_MAX_LENGTH),
    ],
)
def test_a_case_text_over_its_limit_is_a_400_naming_field_and_limit(portal, field, limit):
    response = portal.post("/api/v1/cases/", payload(**{field: "x" * (limit + 1)}), format="json")
    assert _field_errors(response) == {field: LIMIT_MESSAGE.format(limit)}
    assert Case.objects.count() == 0


def test_a_description_of_exactly_the_limit_is_accepted(portal):
    response = portal.post(
        "/api/v1/cases/", payload(description="x" * DESCRIPTION_MAX_LENGTH), format="json"
    )
    assert response.status_code == 201


def test_a_description_of_one_megabyte_is_refused(portal):
    response = portal.post("/api/v1/cases/", payload(description="x" * 1_000_000), format="json")
    assert _field_errors(response) == {"description": LIMIT_MESSAGE.format(DESCRIPTION_MAX_LENGTH)}


def test_an_api_comment_over_its_limit_is_a_400(world: World):
    before = world.footprint()
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/comments/",
        {"body": "x" * (COMMENT_MAX_LENGTH + 1), "public": False},
        format="json",
    )
    assert _field_errors(response) == {"body": LIMIT_MESSAGE.format(COMMENT_MAX_LENGTH)}
    assert world.footprint() == before


@pytest.mark.parametrize(
    ("field", "limit"), [("reason", REASON_MAX_LENGTH), ("resolution", RESOLUTION_MAX_LENGTH)]
)
def test_an_api_transition_text_over_its_limit_is_a_400(world: World, field, limit):
    before = world.footprint()
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/transitions/",
        {"action": "cancel", field: "x" * (limit + 1)},
        format="json",
    )
    assert _field_errors(response) == {field: LIMIT_MESSAGE.format(limit)}
    assert world.footprint() == before


def test_the_intake_form_refuses_a_description_over_its_limit_beside_the_field(agent):
    response = _session(agent).post(
        NEW_URL, form_body(description="x" * (DESCRIPTION_MAX_LENGTH + 1))
    )
    assert response.status_code == 400
    assert "como máximo 10000 caracteres (tiene 10001)" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_case_page_refuses_a_comment_over_its_limit_and_says_why(world: World):
    before = world.footprint()
    session = _session(world.users["quejas_staff"])
    response = session.post(
        f"/casos/{world.case.folio}/comentarios/",
        {"body": "x" * (COMMENT_MAX_LENGTH + 1)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Comentario: Asegúrese de que este valor tenga como máximo 10000 caracteres" in (
        response.content.decode()
    )
    assert Comment.objects.filter(case=world.case, body__startswith="xxx").count() == 0
    assert world.footprint() == before


@pytest.mark.parametrize(
    ("field", "label", "limit"),
    [("reason", "Motivo", REASON_MAX_LENGTH), ("resolution", "Resolución", RESOLUTION_MAX_LENGTH)],
)
def test_the_case_page_refuses_an_action_text_over_its_limit_and_says_why(
    world: World, field, label, limit
):
    before = world.footprint()
    session = _session(world.users["quejas_staff"])
    response = session.post(
        f"/casos/{world.case.folio}/accion/",
        {"action": "resolve", field: "x" * (limit + 1)},
        follow=True,
    )
    assert response.status_code == 200
    assert f"{label}: Asegúrese de que este valor tenga como máximo {limit} caracteres" in (
        response.content.decode()
    )
    assert world.footprint() == before


# --- hand-made cursors ------------------------------------------------------------------------


def _cursor(payload_text: str) -> str:
    return base64.urlsafe_b64encode(payload_text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor_json",
    [
        '{"o":"-received_at","v":"0001-01-01T00:00:00+05:00","i":1,"b":0}',
        '{"o":"-received_at","v":"9999-12-31T23:59:59-05:00","i":1,"b":0}',
        '{"o":"-received_at","v":"2026-01-01T00:00:00+00:00","i":99999999999999999999999,"b":0}',
        '{"o":"priority","v":99999999999999999999999,"i":1,"b":0}',
        "[" * 3000 + "]" * 3000,
    ],
    ids=["year-1", "year-9999", "huge-id", "huge-priority", "deep"],
)
def test_a_hand_made_cursor_is_a_400(portal, cursor_json):
    ordering = "priority" if '"priority"' in cursor_json else "-received_at"
    response = portal.get("/api/v1/cases/", {"ordering": ordering, "cursor": _cursor(cursor_json)})
    assert _field_errors(response) == {
        "cursor": "El cursor no es válido; use los enlaces next y previous."
    }
