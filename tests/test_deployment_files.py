"""docker-compose.yml, the Dockerfile and .dockerignore, checked without a container runtime:
what `docker compose up` would start, in which order, as whom, and what the image holds."""

import importlib
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
APP_SERVICES = ("web", "worker", "beat")


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_the_services_are_the_deployment_the_spec_names():
    assert set(SERVICES) == {"migrate", "web", "worker", "beat", "postgres", "redis"}


def test_web_serves_the_wsgi_application_with_gunicorn():
    command = _command("web")
    assert command[:2] == ["gunicorn", "infonavit_atencion.wsgi"]
    assert importlib.import_module("infonavit_atencion.wsgi").application is not None


def test_the_worker_consumes_every_queue_the_project_routes_to():
    command = _command("worker")
    assert command[:4] == ["celery", "-A", "infonavit_atencion", "worker"]
    queues = [command[i + 1] for i, arg in enumerate(command) if arg in ("-Q", "--queues")]
    queues += [arg.split("=", 1)[1] for arg in command if arg.startswith("--queues=")]
    consumed = set(",".join(queues).split(",")) if queues else set(settings.WORKER_QUEUES)
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed
    assert not any(arg in ("-X", "--exclude-queues") for arg in command)


def test_beat_runs_the_schedule():
    assert _command("beat")[:4] == ["celery", "-A", "infonavit_atencion", "beat"]


def test_migrations_and_reference_data_run_once_before_the_app_starts():
    migrate = SERVICES["migrate"]
    steps = [step.strip() for step in shlex.split(migrate["command"])[-1].split("&&")]
    assert steps == ["python manage.py migrate --no-input", "python manage.py load_reference_data"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "migrate" not in SERVICES[name]["command"], name


def test_the_app_services_share_the_private_media_volume_and_run_production_settings():
    for name in (*APP_SERVICES, "migrate"):
        service = SERVICES[name]
        assert "private-media:/app/var/private" in service["volumes"], name
        assert (
            service["environment"]["DJANGO_SETTINGS_MODULE"]
            == "infonavit_atencion.settings.production"
        )
        # Starts without an .env file (configuration may come from the environment alone).
        assert service["env_file"] == [{"path": ".env", "required": False}], name
        # Production settings refuse to start without an explicitly chosen mail backend.
        assert service["environment"]["EMAIL_BACKEND"].startswith(
            "${EMAIL_BACKEND:-django.core.mail"
        ), name


def _healthcheck_path() -> str:
    test = " ".join(SERVICES["web"]["healthcheck"]["test"])
    match = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", test)
    assert match, test
    return match.group(1)


@pytest.fixture
def production_settings(monkeypatch):
    """The production settings module, imported with the variables it requires."""
    for name, value in {
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_ALLOWED_HOSTS": "atencion.example.gob.mx",
        # Production refuses to start without an explicit mail backend; compose sets SMTP.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("infonavit_atencion.settings.production", None)
    try:
        yield importlib.import_module("infonavit_atencion.settings.production")
    finally:
        sys.modules.pop("infonavit_atencion.settings.production", None)


def test_the_web_healthcheck_is_not_redirected_to_https(production_settings):
    path = _healthcheck_path()
    assert path == "/readyz"
    assert production_settings.SECURE_SSL_REDIRECT is True
    middleware = SecurityMiddleware(lambda request: HttpResponse())
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_REDIRECT_EXEMPT=production_settings.SECURE_REDIRECT_EXEMPT,
        ALLOWED_HOSTS=["testserver"],
    ):
        middleware.__init__(lambda request: HttpResponse())  # reads the settings
        probe = middleware.process_request(RequestFactory().get(path))
        page = middleware.process_request(RequestFactory().get("/accounts/login/"))
    assert probe is None
    assert page is not None and page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"


def test_production_does_not_install_the_demo_data_app(production_settings):
    assert "demo" not in production_settings.INSTALLED_APPS
    assert "demo" in settings.INSTALLED_APPS  # the test settings (like local) do
    for name, service in SERVICES.items():
        command = " ".join(_command(name)) if "command" in service else ""
        assert "seed_demo" not in command and "generate_history" not in command, name
    assert "seed_demo" not in DOCKERFILE and "generate_history" not in DOCKERFILE


def test_the_image_runs_unprivileged_and_owns_its_data_directories():
    user_at = DOCKERFILE.index("\nUSER atencion")
    chown = re.search(
        r"mkdir -p /app/var/private[^\n]*\\\n\s*&& chown -R atencion:atencion /app/var", DOCKERFILE
    )
    assert chown and chown.start() < user_at
    assert DOCKERFILE.index("collectstatic") < user_at
    assert 'CMD ["gunicorn", "infonavit_atencion.wsgi"' in DOCKERFILE


def test_the_build_context_leaves_out_secrets_local_data_and_caches():
    patterns = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split("\n"))
    for entry in (".env", ".venv", "node_modules", ".git", "var", "screenshots", "**/__pycache__"):
        assert entry in patterns, entry
    assert "!.env.example" in patterns
