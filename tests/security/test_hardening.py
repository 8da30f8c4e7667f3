"""Smaller holes (SPEC §9): shared caches, mail in logs, guessable passwords, webhook answers.

* Responses with personal data say ``Cache-Control: no-store`` (a proxy or the browser's disk
  cache must not keep a case page for the next person at the counter).
* Production refuses to start with the console e-mail backend it would fall back to (every
  e-mail, addresses and tracking codes included, printed to the log) unless it is chosen
  explicitly; tracking codes and survey links are masked in the log like addresses.
* Passwords an attacker tries first are refused, at the password change and at create_user.
* A refused webhook subscription does not say what a host name resolves to.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from infonavit_atencion.core.log_masking import PersonalDataFilter
from tests.support.accounts import TEST_PASSWORD
from tests.support.cases import READ_WRITE, client_for, payload
from webhooks import destinations

from .support import World

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


# --- Cache-Control ------------------------------------------------------------------------------


def _no_store(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 400, (response.status_code, response.content[:200])
    assert "no-store" in response["Cache-Control"]


def test_case_pages_and_the_contact_card_are_not_stored(world: World):
    session = world.session("agent")
    folio = world.case.folio
    _no_store(session.get(f"/casos/{folio}/"))
    _no_store(session.post(f"/casos/{folio}/contacto/"))
    _no_store(session.get("/casos/?cola=all"))


def test_the_api_case_json_is_not_stored(world: World):
    api = world.api("owner")
    folio = world.case.folio
    _no_store(api.get("/api/v1/cases/"))
    _no_store(api.get(f"/api/v1/cases/{folio}/"))
    _no_store(api.get(f"/api/v1/cases/{folio}/events/"))
    _no_store(api.get(f"/api/v1/cases/{folio}/comments/"))
    portal, _client = client_for("portal_cache", READ_WRITE)
    _no_store(portal.post("/api/v1/cases/", payload(), format="json"))


def test_the_citizens_look_up_is_not_stored(world: World):
    case = world.fresh()
    _no_store(APIClient().get(f"/api/v1/public/cases/{case.folio}/", {"code": case.tracking_code}))
    _no_store(Client().post("/consulta/", {"folio": case.folio, "code": case.tracking_code}))


def test_exports_and_the_arco_export_are_not_stored(world: World):
    session = world.session("admin")
    _no_store(session.post("/exportaciones/casos/", {"consulta": "cola=all", "formato": "csv"}))


# --- mail and logs ----------------------------------------------------------------------------


def _production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_BACKEND"}
    env.update(
        DJANGO_SETTINGS_MODULE="infonavit_atencion.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="atencion.infonavit.example",
        DATABASE_URL="",
        **extra,
    )
    return env


def _django_setup(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_does_not_start_without_an_email_backend():
    result = _django_setup(_production_env())
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_BACKEND is not set" in result.stderr


def test_production_takes_the_console_backend_only_when_named():
    console = "django.core.mail.backends.console.EmailBackend"
    result = _django_setup(_production_env(EMAIL_BACKEND=console))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == console


def test_tracking_codes_and_survey_links_are_masked_in_log_records():
    record = logging.LogRecord(
        "cases",
        logging.INFO,
        __file__,
        1,
        "Enviado a %s: consulte https://atencion.example/consulta/?folio=ATN-2026-00000001&code=%s "
        "o https://atencion.example/encuesta/%s/ (código %s)",
        ("ana@example.com", "K7P2Q9WXYZ", "eyJjIjoxfQ:1vA2b3:Zm9vYmFy", "K7P2Q9WXYZ"),
        None,
    )
    PersonalDataFilter().filter(record)
    message = record.getMessage()
    for secret in ("ana@example.com", "K7P2Q9WXYZ", "eyJjIjoxfQ"):
        assert secret not in message
    assert "ATN-2026-00000001" in message  # the folio is not a secret and stays searchable


def test_sending_the_citizens_e_mails_logs_no_address_code_or_link(
    caplog, django_capture_on_commit_callbacks
):
    portal, _client = client_for("portal_correo", READ_WRITE)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        created = portal.post("/api/v1/cases/", payload(), format="json")
    assert created.status_code == 201
    assert mail.outbox, "the acknowledgement e-mail was sent"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ana@example.com" not in logged
    assert created.json()["tracking_code"] not in logged
    assert "/consulta/" not in logged


# --- passwords --------------------------------------------------------------------------------


class _User:
    username = "mlopez"
    first_name = "Mariana"
    last_name = "López"
    email = "mlopez@example.com"


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaa1",
        "infonavit123",
        "Infonavit2026",
        "Atención-Infonavit-2026",
        "mlopez12345678",
        "qwerty123456",
    ],
)
def test_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, _User())


@pytest.mark.parametrize(
    "password",
    ["atencion-demo-2026", TEST_PASSWORD, "Clave-de-Trabajo-2026", "río verde sube 7 veces"],
)
def test_demo_test_and_passphrase_passwords_pass(password):
    assert validate_password(password, _User()) is None


def test_the_password_change_page_refuses_an_institute_word_with_digits(world: World):
    session = world.session("agent")
    response = session.post(
        "/cuenta/contrasena/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Infonavit2026",
            "new_password2": "Infonavit2026",
        },
    )
    assert response.status_code == 200
    assert "palabras del Instituto" in response.content.decode()
    world.users["agent"].refresh_from_db()
    assert world.users["agent"].check_password(TEST_PASSWORD)


def test_create_user_refuses_a_guessable_password(db):
    with pytest.raises(CommandError):
        call_command("create_user", "mlopez", "--role", "admin", "--password", "aaaaaaaaaaa1")
    with pytest.raises(CommandError):
        call_command("create_user", "mlopez", "--role", "admin", "--password", "mlopez12345678")
    assert not get_user_model().objects.filter(username="mlopez").exists()


# --- webhooks ---------------------------------------------------------------------------------


def test_a_refused_webhook_does_not_reveal_what_the_host_resolves_to(world: World, monkeypatch):
    monkeypatch.setattr(destinations, "resolve_host", lambda host, port: ["10.20.30.40"])
    response = world.api("owner").post(
        "/api/v1/webhooks/",
        {"url": "https://interno.example.com/hook", "events": ["case.created"]},
        format="json",
    )
    assert response.status_code == 400
    assert "10.20.30.40" not in response.content.decode()
    assert response.json()["errors"][0]["code"] == "forbidden_address"
