"""The site answers: probes, login, the home page and every admin screen."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": True, "broker": True}


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_in_spanish_with_username_and_password_fields(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="es-MX"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "Iniciar sesión" in html


def test_a_user_logs_in_and_lands_on_their_workload(client, agent):
    response = client.post(
        "/accounts/login/", {"username": "asesor", "password": TEST_PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Su trabajo" in html
    assert [item.key for item in response.context["workload"]] == ["office_today", "mine"]


def test_wrong_password_is_refused_in_spanish(client, agent):
    response = client.post("/accounts/login/", {"username": "asesor", "password": "equivocada"})
    assert response.status_code == 200
    assert "contraseña" in response.content.decode().lower()


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_every_admin_changelist_and_add_form_renders_for_an_administrator(
    client, admin_user, model
):
    client.force_login(admin_user)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("R", (), {"user": admin_user})()):
        add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == 200


def test_staff_who_are_not_administrators_cannot_enter_the_admin(client, agent):
    client.force_login(agent)
    response = client.get("/admin/")
    assert response.status_code == 302


def test_admin_changelists_show_the_seeded_data(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:channels_office_changelist") + "?q=TIJUANA").content.decode()
    assert "CESI_TIJUANA" in html
    html = client.get(reverse("admin:catalog_service_changelist")).content.decode()
    assert "CANCELACION_HIPOTECA" in html or "cancelación" in html.lower()
