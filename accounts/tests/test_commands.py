"""The management commands that other tools rely on (SPEC §11)."""

import hashlib
import secrets
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import ApiClient, UserProfile

pytestmark = pytest.mark.django_db

PASSWORD = f"Una-clave-{secrets.token_hex(8)}-2026"  # fresh per run


def _create_user(*args: str) -> str:
    out = StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "role", "scope", "office", "area", "directorate"),
    [
        (["--role", "agent", "--office", "CESI_TIJUANA"], "agent", "", "CESI_TIJUANA", None, None),
        (
            ["--role", "area_staff", "--area", "CARTERA_CANCELACION"],
            "area_staff",
            "",
            None,
            "CARTERA_CANCELACION",
            "CARTERA",
        ),
        (
            ["--role", "supervisor", "--office", "DEL_BC"],
            "supervisor",
            "delegacion",
            "DEL_BC",
            None,
            None,
        ),
        (
            ["--role", "supervisor", "--office", "CESI_TIJUANA"],
            "supervisor",
            "office",
            "CESI_TIJUANA",
            None,
            None,
        ),
        (
            ["--role", "supervisor", "--directorate", "CREDITO"],
            "supervisor",
            "directorate",
            None,
            None,
            "CREDITO",
        ),
        (["--role", "supervisor", "--national"], "supervisor", "national", None, None, None),
        (["--role", "admin"], "admin", "", None, None, None),
    ],
)
def test_create_user_gives_each_role_its_placement(args, role, scope, office, area, directorate):
    _create_user("maria", "--password", PASSWORD, *args)

    profile = UserProfile.objects.select_related("user", "office", "area", "directorate").get(
        user__username="maria"
    )
    assert profile.role == role
    assert profile.supervisor_scope == scope
    assert (profile.office.code if profile.office else None) == office
    assert (profile.area.code if profile.area else None) == area
    assert (profile.directorate.code if profile.directorate else None) == directorate
    assert profile.user.is_superuser is (role == "admin")
    assert authenticate(username="maria", password=PASSWORD) == profile.user


def test_create_user_twice_updates_instead_of_failing():
    _create_user("maria", "--role", "agent", "--office", "CESI_TIJUANA", "--password", PASSWORD)
    _create_user(
        "maria",
        "--role",
        "area_staff",
        "--area",
        "OPERACIONES_QUEJAS",
        "--password",
        PASSWORD + "x",
    )

    profile = UserProfile.objects.get(user__username="maria")
    assert profile.role == "area_staff"
    assert authenticate(username="maria", password=PASSWORD + "x") is not None
    assert UserProfile.objects.filter(user__username="maria").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "agent"], "oficina"),
        (["--role", "area_staff"], "área"),
        (["--role", "supervisor"], "alcance"),
        (["--role", "agent", "--office", "NO_EXISTE"], "NO_EXISTE"),
    ],
)
def test_create_user_refuses_an_incomplete_placement_in_spanish(args, message):
    with pytest.raises(CommandError, match=message):
        _create_user("maria", "--password", PASSWORD, *args)
    assert not UserProfile.objects.filter(user__username="maria").exists()


def test_create_user_refuses_a_weak_password():
    with pytest.raises(CommandError, match="contraseña"):
        _create_user("maria", "--role", "admin", "--password", "12345")


def test_create_api_client_prints_the_key_last_and_stores_only_its_digest():
    out = StringIO()
    call_command(
        "create_api_client",
        "portal",
        "--channel",
        "MICUENTA",
        "--scopes",
        "cases:read,cases:write",
        stdout=out,
    )

    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="portal")
    assert client.channel.code == "MICUENTA"
    assert client.scopes == ["cases:read", "cases:write"]
    assert client.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(client.key_prefix + ".")
    assert key not in str(list(ApiClient.objects.values()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "NO_EXISTE", "--scopes", "cases:read"], "NO_EXISTE"),
        (["--channel", "MICUENTA", "--scopes", "cases:read,todo:admin"], "todo:admin"),
    ],
)
def test_create_api_client_refuses_unknown_channel_or_scope(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_client", "portal", *args, stdout=StringIO())
    assert not ApiClient.objects.exists()


def test_create_api_client_accepts_every_scope_of_the_spec():
    every = "cases:read,cases:write,cases:read_all,cases:import,catalog:read,contacts:read,contacts:write,indicators:read,webhooks:manage"
    call_command(
        "create_api_client", "todo", "--channel", "MICUENTA", "--scopes", every, stdout=StringIO()
    )
    assert ApiClient.objects.get(name="todo").scopes == sorted(every.split(","))
