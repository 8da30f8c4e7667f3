"""Contract test of the whole REST API with schemathesis (SPEC §8).

The OpenAPI schema is read from ``/api/schema/`` of the Django WSGI application, in-process (no
server), and schemathesis generates requests for every operation in it — its coverage and
fuzzing phases (and the examples phase, though the schema has no examples yet), with valid and
invalid data — from a fixed seed, derandomized, with at most MAX_EXAMPLES fuzzed requests per
operation. Every response must

* not be a server error (5xx);
* use a status code, content type, headers and body that the schema documents for it
  (schemathesis' ``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance`` and ``response_schema_conformance``), and answer
  undeclared methods with 405 (``unsupported_method``);
* if it is a 4xx, be ``application/problem+json`` with ``type``, ``title``, ``status`` (equal to
  the HTTP status) and ``detail`` (:func:`problem_details`).

Requests carry the token of an API client with every scope. Most path parameters (folios,
attachment and subscription ids, catalog codes) and a few body fields are replaced by values
that exist, so that operations answer more than 404 and 400 (:func:`_aim`).

Regression tests at the end pin schema mismatches the run once found (a nullable masked
identifier, the content types of a download, an upload field that must be binary).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import content_type_conformance

from accounts.services import api_client_create
from cases.events import Actor
from cases.models import Case
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create, comment_add
from cases.services.content import attachment_add
from catalog.models import ServiceChannel
from channels.models import BusinessCalendar
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope
from webhooks import destinations
from webhooks.services import webhook_subscribe

PROBLEM = "application/problem+json"
SEED = 20260415
MAX_EXAMPLES = 30
CHANNEL = "MICUENTA"
WEBHOOK_HOST = "hooks.example.com"
ANA_NSS = "92919084431"
ANA_CURP = "BOXW310820HNERXN09"
OTHER_NSS = "00000123455"  # a valid check digit (Luhn)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "cache": {"enabled": False},
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The token is sent by the test; generated credentials would only answer 401.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # Made-up folios and codes answer 404: valid data is not always accepted.
            "positive_data_acceptance": {"enabled": False},
            # Not checked: DRF reads a blank query value of an optional filter as "absent"
            # (`?state=` lists every office) where the schema says minLength 1, and If-Match is
            # evaluated before the body is validated (412 before 400, as RFC 9110 §13.2.2 asks).
            "negative_data_rejection": {"enabled": False},
            # PATCH cases/{folio}/ without If-Match is a 428 (SPEC §8).
            "missing_required_header": {
                "expected-statuses": [400, 401, 403, 406, 415, 422, 428],
            },
        },
    }
)

APP = get_wsgi_application()
SCHEMA_URL = "/api/schema/"
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, APP, config=CONFIG)


# --- checks -----------------------------------------------------------------------------------


def problem_details(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx is application/problem+json with type, title, status (= HTTP) and detail."""
    status = response.status_code
    if not 400 <= status < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    problems = []
    if content_type.split(";")[0].strip() != PROBLEM:
        problems.append(f"content type {content_type!r}, not {PROBLEM}")
    try:
        body = response.json()
    except Exception:
        body = None
    if not isinstance(body, dict):
        problems.append(f"the body is not a JSON object: {response.text_lossy()[:200]!r}")
    else:
        for key in ("type", "title", "detail"):
            if not isinstance(body.get(key), str) or not body[key]:
                problems.append(f"`{key}` is missing or empty")
        if body.get("status") != status:
            problems.append(f"`status` is {body.get('status')!r}, the HTTP status is {status}")
    assert not problems, f"{status} without a problem body: " + "; ".join(problems)
    return None


# --- the data the requests refer to ---------------------------------------------------------


@dataclass
class Existing:
    key: str
    folios: list[str] = field(default_factory=list)
    tracking_codes: dict[str, str] = field(default_factory=dict)
    attachment_ids: list[int] = field(default_factory=list)
    subscription_ids: list[int] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    calendar_codes: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _as_django_test_client(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Around each raw WSGI request, what Django's own test client does.

    Django closes "old" connections when a request starts and ends, which would close the
    test's connection and its transaction. The public look-up's strict per-address throttle
    would answer little else than 429.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "100000/min"
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Webhook URLs are resolved: one public name, every other name unknown (no network)."""

    def resolve(host: str, port: int) -> list[str]:
        if host == WEBHOOK_HOST:
            return ["93.184.216.34"]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(destinations, "resolve_host", resolve)


def _case(actor: Actor, when: dt.datetime, service: str, contact: ContactInput) -> Case:
    """A case registered and routed (to its service's own area) as the intake would."""
    data = CaseInput(
        service=service,
        channel=CHANNEL,
        subject=f"Caso de contrato {service}",
        description="La página falla al descargar mi constancia.",
        contact=contact,
    )
    case = case_create(data, actor, when).case
    return case_route(case.pk, when, rules=[]) or case


@pytest.fixture
def existing(db) -> Existing:  # type: ignore[no-untyped-def]
    """A client with every scope, three cases (one with comments and an attachment), a webhook."""
    client, key = api_client_create("Contrato", CHANNEL, list(Scope.values))
    actor = Actor(client=client)
    now = timezone.now()
    data = Existing(key=key)
    # With NSS and CURP (shown masked or not); without them, see CASE_CONTACT_NULLABLE.
    contact = ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS, curp=ANA_CURP)
    data.service_codes = list(
        ServiceChannel.objects.filter(channel__code=CHANNEL, active=True, service__active=True)
        .order_by("service__code")
        .values_list("service__code", flat=True)[:6]
    )
    for index in range(3):
        case = _case(actor, now - dt.timedelta(hours=3 - index), data.service_codes[index], contact)
        data.folios.append(case.folio)
        data.tracking_codes[case.folio] = case.tracking_code
    comment_add(data.folios[0], "Estamos revisando su caso.", True, actor, now)
    comment_add(data.folios[0], "Nota interna.", False, actor, now)
    upload = SimpleUploadedFile("constancia.txt", b"Constancia de prueba.\n", "text/plain")
    data.attachment_ids.append(attachment_add(data.folios[0], upload, actor, now).pk)
    subscription, _ = webhook_subscribe(
        client, f"https://{WEBHOOK_HOST}/atencion", ["case.created"], now=now
    )
    data.subscription_ids.append(subscription.pk)
    data.calendar_codes = list(
        BusinessCalendar.objects.order_by("code").values_list("code", flat=True)
    )
    return data


# --- aiming the generated requests at existing data -------------------------------------------


def _pick(key: str, generated: Any, pool: list[Any]) -> Any:
    """One of `pool`, or (one time in len(pool) + 1) the generated value. Chosen from `key`, the
    whole generated request: deterministic, but varying from one request to the next."""
    slot = zlib.crc32(f"{key}|{generated!r}".encode()) % (len(pool) + 1)
    return pool[slot] if slot < len(pool) else generated


def _often(key: str, salt: str) -> bool:
    """True three times in four, chosen from `key`."""
    return zlib.crc32(f"{key}|{salt}".encode()) % 4 != 0


def _aim(case: Any, data: Existing) -> None:
    """Point most requests at objects that exist, so that operations answer more than 404 and
    400; one time in a few the generated value is kept."""
    body = None if isinstance(case.body, NotSet) else case.body  # its repr has an address
    key = repr((case.path_parameters, case.query, dict(case.headers or {}), body))
    params = case.path_parameters or {}
    pools = {
        "folio": data.folios,
        "attachment_id": data.attachment_ids,
        "subscription_id": data.subscription_ids,
        "code": data.calendar_codes if "/calendars/" in case.path else data.service_codes,
    }
    for name, pool in pools.items():
        if name in params:
            params[name] = _pick(key, params[name], pool)
    folio = params.get("folio")
    if folio in data.tracking_codes:
        if case.path.startswith("/api/v1/public/"):
            query = case.query if isinstance(case.query, dict) else {}
            code = data.tracking_codes[folio]
            query["code"] = _pick(key, query.get("code"), [code, code.lower()])
            case.query = query
        elif case.headers and "If-Match" in case.headers:
            version = Case.objects.values_list("version", flat=True).get(folio=folio)
            case.headers["If-Match"] = _pick(key, case.headers["If-Match"], [f'"{version}"'])
    if not isinstance(body, dict):
        return
    if case.method == "POST" and case.path == "/api/v1/cases/":
        # A service on the client's channel, now, a contact without identifiers (theirs are
        # checked), a well-formed Idempotency-Key: the rest as generated.
        if _often(key, "case"):
            body["service"] = _pick(key, body.get("service"), data.service_codes)
            for name in ("channel", "office", "received_at", "resolution", "anonymous"):
                body.pop(name, None)
            contact = body.get("contact")
            if not isinstance(contact, dict):
                contact = body["contact"] = {"given_names": "Ana", "first_surname": "Pérez"}
            for identifier in ("nss", "curp", "rfc", "email"):
                contact.pop(identifier, None)
            if case.headers and "Idempotency-Key" in case.headers:
                case.headers["Idempotency-Key"] = f"contrato-{zlib.crc32(key.encode())}"
    elif case.method == "POST" and case.path.endswith("/transitions/"):
        if "service" in body:
            body["service"] = _pick(key, body["service"], data.service_codes)
    elif case.method == "POST" and case.path == "/api/v1/webhooks/":
        if _often(key, "url"):
            body["url"] = f"https://{WEBHOOK_HOST}/{zlib.crc32(key.encode())}"
        body["events"] = _pick(key, body.get("events"), [["case.created", "case.routed"]])
    elif case.method == "POST" and case.path.endswith("/attachments/"):
        body["file"] = _pick(key, body.get("file"), [b"Texto de prueba.\n"])


@schema.parametrize()
@hypothesis.settings(
    # `existing` is made once per operation and shared by its examples, on purpose; a Django
    # request may take longer than Hypothesis' default deadline on a slow machine.
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
    deadline=None,
)
def test_the_api_keeps_its_contract(case, existing):  # type: ignore[no-untyped-def]
    _aim(case, existing)
    case.call_and_validate(
        headers={"Authorization": f"Token {existing.key}"},
        additional_checks=[problem_details],
    )


# --- schema mismatches found once, kept fixed ------------------------------------------------


def _schema_case(path: str, method: str, existing: Existing, **values: Any) -> Any:
    headers = {"Authorization": f"Token {existing.key}"}
    return schema[path][method].Case(headers=headers, **values)


def test_a_contact_without_curp_matches_the_schema(existing):  # type: ignore[no-untyped-def]
    client, _ = api_client_create("Sin CURP", CHANNEL, [Scope.CASES_WRITE])
    contact = ContactInput(given_names="Raúl", first_surname="Sosa", nss=OTHER_NSS)
    folio = _case(Actor(client=client), timezone.now(), existing.service_codes[0], contact).folio
    case = _schema_case("/api/v1/cases/{folio}/", "GET", existing, path_parameters={"folio": folio})
    response = case.call()
    assert response.status_code == 200
    assert response.json()["contact"]["curp"] is None
    case.validate_response(response)


def test_an_attachment_download_has_a_documented_content_type(existing):  # type: ignore[no-untyped-def]
    case = _schema_case(
        "/api/v1/cases/{folio}/attachments/{attachment_id}/",
        "GET",
        existing,
        path_parameters={"folio": existing.folios[0], "attachment_id": existing.attachment_ids[0]},
    )
    response = case.call()
    assert response.status_code == 200
    assert response.headers["content-type"][0].startswith("text/plain")
    case.validate_response(response, checks=[content_type_conformance])


def test_an_upload_built_from_the_schema_is_accepted(existing):  # type: ignore[no-untyped-def]
    case = _schema_case(
        "/api/v1/cases/{folio}/attachments/",
        "POST",
        existing,
        path_parameters={"folio": existing.folios[1]},
        body={"file": "Texto de prueba.\n"},
        media_type="multipart/form-data",
    )
    response = case.call()
    assert response.status_code == 201, response.json()


# --- the custom checks catch what they should -------------------------------------------------


def _response(status: int, body: Any, content_type: str = PROBLEM) -> schemathesis.Response:
    content = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {"Content-Type": [content_type]}
    request = requests.Request("GET", "http://localhost/").prepare()
    return schemathesis.Response(status, headers, content, request, elapsed=0.01, verify=False)


def _problem(status: int, **changes: Any) -> dict[str, Any]:
    body = {"type": "https://x/problemas/p", "title": "T", "status": status, "detail": "D"}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


@pytest.mark.parametrize(
    "response",
    [
        _response(404, _problem(404)),
        _response(400, _problem(400, errors=[{"field": "a", "code": "b", "message": "c"}])),
        _response(200, [], "application/json"),
        _response(304, b"", "text/html"),
    ],
)
def test_the_problem_check_accepts(response: schemathesis.Response) -> None:
    problem_details(None, response, None)


@pytest.mark.parametrize(
    "response",
    [
        _response(404, _problem(404), "application/json"),
        _response(404, b"<h1>Not Found</h1>", "text/html"),
        _response(400, _problem(404)),
        _response(403, _problem(403, detail=None)),
        _response(401, _problem(401, type="")),
        _response(429, ["not", "an", "object"]),
    ],
)
def test_the_problem_check_refuses(response: schemathesis.Response) -> None:
    with pytest.raises(AssertionError):
        problem_details(None, response, None)
