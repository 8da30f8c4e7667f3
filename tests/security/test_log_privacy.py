"""No NSS or CURP reaches the logs (SPEC §9), through the logging the project really configures.

Every stream handler of every logger is pointed at a buffer, then requests that carry an NSS
and a CURP in bodies, addresses and errors are made, along with the records Django's
development server and Celery's worker write. Nothing captured may hold the identifiers. The
structural checks prove there is no handler without the mask, in the web process and after a
Celery worker has set up its logging.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.log_masking import PersonalDataFilter
from tests.support.cases import ANA_CURP, ANA_NSS, nss
from tests.support.intake import form_body

from .support import World

pytestmark = pytest.mark.django_db
OTHER_NSS = nss(123456)
OTHER_CURP = "GODE561231HDFRRN00"
EMAIL = "ana.perez@example.com"
SECRETS = (ANA_NSS, ANA_CURP, OTHER_NSS, OTHER_CURP, EMAIL)


def _all_loggers() -> list[logging.Logger]:
    manager = logging.root.manager
    named = [logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    return [logging.root, *named]


def _unmasked_handlers() -> list[str]:
    """Handlers that could write a record without the personal-data filter."""
    found = []
    for logger in _all_loggers():
        for handler in logger.handlers:
            if isinstance(handler, logging.NullHandler) or type(handler).__module__.startswith(
                "_pytest"
            ):
                continue  # discards records, or is pytest's own capture
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                found.append(f"{logger.name or 'root'}: {type(handler).__name__}")
    return found


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every stream handler of every logger writes into one buffer for the test."""
    buffer = io.StringIO()
    swapped = []
    for logger in _all_loggers():
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                swapped.append((handler, handler.setStream(buffer)))
    assert swapped, "the configured logging has no stream handler"
    yield buffer
    for handler, stream in swapped:
        handler.setStream(stream)


def _assert_clean(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == [], f"personal data in the logs: {leaked}"


def test_every_configured_handler_masks_personal_data():
    assert _unmasked_handlers() == []


def test_a_celery_worker_keeps_the_masked_handlers(monkeypatch):
    """A worker sets up its logging at start; it must not swap in handlers of its own."""
    from celery.app.log import Logging

    from infonavit_atencion.celery import app

    before = {logger.name: list(logger.handlers) for logger in _all_loggers()}
    monkeypatch.setattr(Logging, "_setup", False)
    try:
        app.log.setup_logging_subsystem(loglevel="INFO")
        assert _unmasked_handlers() == []
    finally:
        for logger in _all_loggers():
            if logger.name in before:
                logger.handlers[:] = before[logger.name]


def test_requests_with_identifiers_leave_none_in_the_logs(world: World, captured, caplog):
    caplog.set_level(logging.DEBUG)  # the root logger too, restored after the test
    _traffic(world)
    text = captured.getvalue()
    assert "Not Found" in text or "Bad Request" in text  # the traffic was logged at all
    _assert_clean(text)
    _assert_clean(caplog.text)


def _traffic(world: World) -> None:
    from accounts.services import api_client_create

    body = {
        "service": "QUEJA_CANALES_DIGITALES",
        "office": "CESI_CDMX_BENITO_JUAREZ",
        "contact": {
            "nss": OTHER_NSS,
            "curp": OTHER_CURP,
            "given_names": "Eva",
            "first_surname": "Gómez",
            "email": EMAIL,
        },
        "description": f"Mi NSS es {OTHER_NSS} y mi CURP {OTHER_CURP}",
    }
    owner = world.api("owner")
    created = owner.post("/api/v1/cases/", body, format="json")
    assert created.status_code == 201, created.content
    bad = {**body, "contact": {**body["contact"], "nss": OTHER_NSS[:-1] + "0"}}
    assert owner.post("/api/v1/cases/", bad, format="json").status_code == 400
    owner.get("/api/v1/cases/", {"nss": ANA_NSS, "curp": ANA_CURP})
    owner.get(f"/api/v1/no-existe/?nss={ANA_NSS}&curp={ANA_CURP}")
    owner.get(f"/api/v1/cases/{ANA_NSS}/")
    _, key = api_client_create(
        "lector_contactos", "CESI", [Scope.CASES_READ_ALL, Scope.CASES_READ, Scope.CONTACTS_READ]
    )
    reader = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert reader.get(f"/api/v1/cases/{world.case.folio}/").status_code == 200
    agent = world.session("agent")
    agent.get(f"/atencion/registro/identificador/nss/?nss={ANA_NSS}")
    agent.get(f"/atencion/registro/identificador/curp/?curp={ANA_CURP}")
    agent.get(f"/atencion/registro/contactos/?contact_q={ANA_NSS}")
    agent.post(f"/casos/{world.case.folio}/contacto/")
    intake = agent.post(
        "/atencion/registro/",
        form_body(curp=ANA_CURP, description=f"NSS {ANA_NSS}, CURP {ANA_CURP}"),
        format="multipart",
    )
    assert intake.status_code == 302, intake.status_code
    agent.post("/atencion/registro/", form_body(nss=ANA_NSS[:-1] + "0"), format="multipart")
    agent.get(f"/casos/{ANA_CURP}/")
    # Django's development server logs each request line, query string included.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /api/v1/cases/?nss={ANA_NSS}&curp={ANA_CURP} HTTP/1.1", "200", "512"
    )
    # A worker logs a failed task with its exception, whatever the exception says.
    try:
        raise ValueError(f"duplicate key value (nss)=({ANA_NSS}) curp {ANA_CURP}")
    except ValueError:
        logging.getLogger("celery.app.trace").exception("Task cases.tasks.route_case failed")
    _server_error(world)


def _server_error(world: World) -> None:
    """A 500 whose exception and traceback quote the identifiers (django.request logs it)."""
    from unittest import mock

    from cases.selectors import detail as selectors

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"Key (nss)=({ANA_NSS}), (curp)=({ANA_CURP}) already exists.")

    client = world.api("owner")
    client.raise_request_exception = False
    with mock.patch.object(selectors, "case_get_for", explode):
        response = client.get(f"/api/v1/cases/{world.case.folio}/?nss={ANA_NSS}")
    assert response.status_code == 500
