"""Login with lockout, logout, password change and the password rules."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_three_failures_lock_the_username_from_that_address_with_a_spanish_page(agent):
    # given two wrong passwords
    for _ in range(2):
        assert _login(Client(), "asesor", "equivocada-123").status_code == 200
    # when the third fails
    locked = _login(Client(), "asesor", "equivocada-123")
    # then the lockout page answers, and even the right password is refused
    assert locked.status_code == 429
    assert "Acceso bloqueado temporalmente" in locked.content.decode()
    right = _login(Client(), "asesor", TEST_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in right.client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_username_and_address(agent, supervisor):
    for _ in range(3):
        _login(Client(), "asesor", "equivocada-123")
    # the same username from another address, and another user from the same one, still log in
    assert _login(Client(), "asesor", TEST_PASSWORD, address="10.0.0.2").status_code == 302
    assert _login(Client(), "supervisor", TEST_PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures(agent):
    _login(Client(), "asesor", "equivocada-123")
    assert AccessAttempt.objects.filter(username="asesor").count() == 1
    assert _login(Client(), "asesor", TEST_PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="asesor").count() == 0


def test_logout_only_by_post(client, agent):
    client.force_login(agent)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/casos/").status_code == 302  # back to the login page


def test_password_change_refuses_a_weak_password_and_accepts_a_strong_one(client, agent):
    client.force_login(agent)
    weak = client.post(
        "/cuenta/contrasena/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "soloLetrasLargas",
            "new_password2": "soloLetrasLargas",
        },
    )
    assert weak.status_code == 200
    assert "combinar letras y números" in weak.content.decode()
    strong = client.post(
        "/cuenta/contrasena/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nueva-clave-segura-77",
            "new_password2": "Nueva-clave-segura-77",
        },
    )
    assert strong.status_code == 302
    assert strong["Location"] == "/cuenta/contrasena/lista/"
    agent.refresh_from_db()
    assert agent.check_password("Nueva-clave-segura-77")


@pytest.mark.parametrize(
    "password", ["corta-1", "sololetrasmuylargas", "123456789012345", "password1234"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_mixed_password_is_accepted():
    assert validate_password("Clave-de-Trabajo-2026") is None


def test_navigation_depends_on_the_role(client, agent, supervisor):
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "Mi oficina" in html and "Mi área" not in html and "Todos</a>" not in html
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert "Todos</a>" in html and "Mi oficina" not in html
