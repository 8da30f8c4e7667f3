"""The cases API answers what its OpenAPI schema says (SPEC §8), and the schema is clean."""

import copy
from typing import Any

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from cases.events import Actor
from tests.support.cases import READ_WRITE, client_for, make_case, payload

pytestmark = pytest.mark.django_db

CASES_API = [path("api/v1/", include("cases.api.urls"))]
JSON = "application/json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    GENERATOR_STATS.reset()
    generated = SchemaGenerator(patterns=CASES_API).get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert not warnings, warnings
    return generated


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative, refs point at $defs,
    and objects admit no property the schema does not list."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _validator(schema: dict[str, Any], url: str, method: str, status: int) -> Draft202012Validator:
    response = schema["paths"][url][method]["responses"][str(status)]["content"][JSON]["schema"]
    document = _json_schema(copy.deepcopy(response))
    document["$defs"] = _json_schema(copy.deepcopy(schema["components"]["schemas"]))
    return Draft202012Validator(document)


def _assert_valid(validator: Draft202012Validator, body: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors


def test_the_cases_schema_is_valid_and_lists_every_path(schema):
    validate_schema(schema)
    assert set(schema["paths"]) == {
        "/api/v1/cases/",
        "/api/v1/cases/{folio}/",
        "/api/v1/cases/{folio}/transitions/",
        "/api/v1/cases/{folio}/events/",
        "/api/v1/cases/{folio}/comments/",
        "/api/v1/cases/{folio}/attachments/",
        "/api/v1/cases/{folio}/attachments/{attachment_id}/",
        "/api/v1/public/cases/{folio}/",
        "/api/v1/public/cases/{folio}/comments/",
    }
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    patch = schema["paths"]["/api/v1/cases/{folio}/"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])


def test_answers_match_the_schema(schema):
    api, client = client_for("Portal Mi Cuenta", READ_WRITE)
    created = api.post("/api/v1/cases/", payload(external_reference="MC-1"), format="json")
    folio = created.json()["folio"]
    make_case(Actor(client=client))
    api.post(f"/api/v1/cases/{folio}/comments/", {"body": "Hola", "public": True}, format="json")

    creation = _validator(schema, "/api/v1/cases/", "post", 201)
    _assert_valid(creation, created.json())
    # (the check is strict: an undocumented or a missing key fails)
    assert not creation.is_valid({**created.json(), "secret": "x"})
    assert not creation.is_valid({k: v for k, v in created.json().items() if k != "sla"})
    _assert_valid(
        _validator(schema, "/api/v1/cases/", "get", 200),
        api.get("/api/v1/cases/?page_size=1").json(),
    )
    _assert_valid(
        _validator(schema, "/api/v1/cases/{folio}/", "get", 200),
        api.get(f"/api/v1/cases/{folio}/").json(),
    )
    _assert_valid(
        _validator(schema, "/api/v1/cases/{folio}/events/", "get", 200),
        api.get(f"/api/v1/cases/{folio}/events/").json(),
    )
    _assert_valid(
        _validator(schema, "/api/v1/cases/{folio}/comments/", "get", 200),
        api.get(f"/api/v1/cases/{folio}/comments/").json(),
    )


def test_the_public_look_up_and_reply_match_the_schema(schema):
    api, _ = client_for("Portal Mi Cuenta", READ_WRITE)
    created = api.post("/api/v1/cases/", payload(external_reference="MC-2"), format="json").json()
    public = f"/api/v1/public/cases/{created['folio']}/"
    code = {"code": created["tracking_code"]}
    replied = APIClient().post(
        f"{public}comments/?code={code['code']}", {"body": "Gracias"}, format="json"
    )
    looked = APIClient().get(public, code)

    assert (replied.status_code, looked.status_code) == (201, 200)
    _assert_valid(
        _validator(schema, "/api/v1/public/cases/{folio}/comments/", "post", 201), replied.json()
    )
    _assert_valid(_validator(schema, "/api/v1/public/cases/{folio}/", "get", 200), looked.json())


def test_an_anonymous_denuncia_matches_the_schema_too(schema):
    api, _ = client_for("Infonatel", READ_WRITE, channel="INFONATEL")
    body = payload(service="DENUNCIA_COYOTES", contact=None, anonymous=True)
    created = api.post("/api/v1/cases/", body, format="json")
    assert created.status_code == 201
    _assert_valid(_validator(schema, "/api/v1/cases/", "post", 201), created.json())


def test_problems_match_the_schema(schema):
    api, _ = client_for("Portal Mi Cuenta", READ_WRITE)
    refused = api.post("/api/v1/cases/", payload(description=""), format="json")
    assert refused.status_code == 400
    response = schema["paths"]["/api/v1/cases/"]["post"]["responses"]["400"]["content"]
    document = _json_schema(copy.deepcopy(response["application/problem+json"]["schema"]))
    document["$defs"] = _json_schema(copy.deepcopy(schema["components"]["schemas"]))
    _assert_valid(Draft202012Validator(document), refused.json())
