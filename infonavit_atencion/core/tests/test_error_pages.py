"""Error pages in Spanish in the app's layout for the browser, problem+json under /api/; the
favicon; and .env.example works for local use as README says (copied to .env)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory

from infonavit_atencion.core.api_errors import handler403
from infonavit_atencion.core.exceptions import PROBLEM_TYPE_BASE

ROOT = Path(__file__).resolve().parents[3]
LAYOUT = 'href="/static/css/app.css"'


@pytest.mark.django_db
def test_an_unknown_page_answers_the_spanish_404_page_in_the_layout(client):
    response = client.get("/no-existe/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h3">Página no encontrada</h1>' in html
    assert LAYOUT in html
    assert 'href="/accounts/login/">Ir a la página de inicio</a>' in html


@pytest.mark.django_db
def test_an_unknown_api_address_answers_problem_json(client):
    response = client.get("/api/v1/no-existe/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_refused_page_answers_the_spanish_403_page_in_the_layout():
    response = handler403(RequestFactory().get("/casos/"), PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="h3">Acceso no permitido</h1>' in html
    assert LAYOUT in html


def test_a_refusal_under_the_api_is_problem_json():
    response = handler403(RequestFactory().get("/api/v1/casos/"), PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content) == {
        "type": PROBLEM_TYPE_BASE + "permission_denied",
        "title": "No tiene permiso para realizar esta acción",
        "status": 403,
        "detail": "Su usuario o su llave no tiene permiso para /api/v1/casos/.",
    }


def test_the_500_and_csrf_pages_render_without_a_request_in_spanish():
    server_error = render_to_string("500.html")
    csrf = render_to_string("403_csrf.html")
    assert "Ocurrió un error en el sistema" in server_error and LAYOUT in server_error
    assert "No se pudo enviar el formulario" in csrf and LAYOUT in csrf


@pytest.mark.django_db
def test_every_page_names_the_favicon_and_it_exists(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg") is not None


ENV_EXAMPLE_CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
print(settings.DEBUG, client.get("/static/css/app.css").status_code, client.get("/static/favicon.svg").status_code)
"""


def test_env_example_copied_as_is_serves_a_styled_local_site(tmp_path):
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
        },
        **values,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", ENV_EXAMPLE_CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "200", "200"]
