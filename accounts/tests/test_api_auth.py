"""API authentication, scopes, throttling and problem bodies (SPEC §8, §9)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.api import request_api_client, request_staff_user
from accounts.api.authentication import ApiClientTokenAuthentication
from accounts.models import ApiClient
from accounts.services import api_client_create
from infonavit_atencion.core.api_scopes import Scope
from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHANNELS_URL = "/api/v1/channels/"
PROBLEM = "application/problem+json"


@pytest.fixture
def catalog_client() -> tuple[ApiClient, str]:
    return api_client_create("Portal Mi Cuenta", "MICUENTA", [Scope.CATALOG_READ])


def _token(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def _assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail"}
    return body


# --- 401 ---------------------------------------------------------------------------------


def test_no_credentials_is_401_problem_with_www_authenticate():
    # Given nobody logged in, when the API is called without credentials
    response = APIClient().get(CHANNELS_URL)

    # Then 401 problem+json in Spanish, telling which scheme to use
    body = _assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert body["type"].endswith("/not_authenticated")
    assert body["title"] == "No autenticado"
    assert body["detail"] == "Las credenciales de autenticación no se proveyeron."


@pytest.mark.parametrize(
    "header",
    [
        "Token 00000000.desconocida",  # unknown prefix
        "Token sinpunto",  # malformed key
        "Token",  # no key
        "Token dos partes",  # too many parts
    ],
)
def test_bad_token_is_401(header):
    response = APIClient().get(CHANNELS_URL, HTTP_AUTHORIZATION=header)

    body = _assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert body["type"].endswith("/authentication_failed")


def test_right_prefix_with_a_wrong_secret_is_401(catalog_client):
    # Given a real client, when its prefix comes with another secret
    client, _ = catalog_client
    forged = f"{client.key_prefix}.{'x' * 43}"

    response = APIClient().get(CHANNELS_URL, **_token(forged))

    _assert_problem(response, 401)
    assert response.json()["detail"] == "La llave de acceso no es válida."


def test_inactive_client_is_401(catalog_client):
    client, key = catalog_client
    ApiClient.objects.filter(pk=client.pk).update(active=False)

    response = APIClient().get(CHANNELS_URL, **_token(key))

    _assert_problem(response, 401)


def test_another_scheme_without_session_is_401_not_authenticated(catalog_client):
    _, key = catalog_client

    response = APIClient().get(CHANNELS_URL, HTTP_AUTHORIZATION=f"Bearer {key}")

    body = _assert_problem(response, 401)
    assert body["type"].endswith("/not_authenticated")


# --- scopes ------------------------------------------------------------------------------


def test_client_without_the_scope_is_403_problem():
    # Given a client that may only read cases
    _, key = api_client_create("Sistema de cobranza", "PATRON", [Scope.CASES_READ])

    # When it reads the catalog
    response = APIClient().get(CHANNELS_URL, **_token(key))

    # Then 403, naming the missing scope
    body = _assert_problem(response, 403)
    assert body["type"].endswith("/permission_denied")
    assert body["detail"] == "Al cliente de la API le falta el alcance «catalog:read»."


def test_client_with_the_scope_is_200(catalog_client):
    _, key = catalog_client

    response = APIClient().get(CHANNELS_URL, **_token(key))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_session_user_reads_reference_data_without_scopes(agent):
    api = APIClient()
    api.force_login(agent)

    response = api.get(CHANNELS_URL)

    assert response.status_code == 200


def test_a_browser_gets_json_not_a_browsable_page(agent):
    api = APIClient()
    api.force_login(agent)
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = api.get(CHANNELS_URL, HTTP_ACCEPT=browser_accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_session_user_without_profile_is_403(django_user_model):
    user = django_user_model.objects.create_user("sinperfil", password=TEST_PASSWORD)
    api = APIClient()
    api.force_login(user)

    response = api.get(CHANNELS_URL)

    body = _assert_problem(response, 403)
    assert "perfil" in body["detail"]


class _NoScopesView(APIView):
    """A view that declares no scopes: closed to API clients, open to staff."""

    def get(self, request):  # type: ignore[no-untyped-def]
        return Response({"client": getattr(request_api_client(request), "name", None)})


class _AdminOnlyView(APIView):
    required_scopes = {"GET": [Scope.CATALOG_READ]}
    session_roles = {"admin"}

    def get(self, request):  # type: ignore[no-untyped-def]
        user = request_staff_user(request)
        return Response({"user": user.get_username() if user else None})


def test_view_without_declared_scopes_is_closed_to_clients_but_open_to_staff(catalog_client, agent):
    _, key = catalog_client
    factory = APIRequestFactory()
    staff_request = factory.get("/api/v1/x/")
    force_authenticate(staff_request, user=agent)

    as_client = _NoScopesView.as_view()(factory.get("/api/v1/x/", **_token(key)))
    as_staff = _NoScopesView.as_view()(staff_request)

    assert as_client.status_code == 403
    assert as_client.data["detail"] == "Los clientes de la API no tienen acceso a esta operación."
    assert as_staff.status_code == 200
    assert as_staff.data == {"client": None}


def test_session_roles_narrow_staff_access(agent, admin_user):
    factory = APIRequestFactory()
    outcomes = {}
    for user in (agent, admin_user):
        request = factory.get("/api/v1/x/")
        force_authenticate(request, user=user)
        outcomes[user.username] = _AdminOnlyView.as_view()(request)

    assert outcomes["asesor"].status_code == 403
    assert outcomes["administrador"].status_code == 200
    assert outcomes["administrador"].data == {"user": "administrador"}


# --- the principal -----------------------------------------------------------------------


def test_token_authentication_gives_anonymous_user_and_the_client_as_auth(catalog_client):
    # Given a request with a valid key
    client, key = catalog_client
    request = APIRequestFactory().get("/api/v1/channels/", **_token(key))

    # When the authentication class runs
    user, auth = ApiClientTokenAuthentication().authenticate(request)  # type: ignore[misc]

    # Then the user stays anonymous and request.auth is the client
    assert user.is_authenticated is False
    assert auth == client
    assert auth.channel.code == "MICUENTA"


def test_last_used_at_is_written_at_most_once_a_minute(catalog_client, django_assert_num_queries):
    client, key = catalog_client
    api = APIClient()

    # Given a client never used: the first call records it
    api.get(CHANNELS_URL, **_token(key))
    first = ApiClient.objects.get(pk=client.pk).last_used_at
    assert first is not None
    assert timezone.now() - first < timedelta(seconds=5)

    # When it calls again within the minute: no write (lookup + list only)
    with django_assert_num_queries(2):
        api.get(CHANNELS_URL, **_token(key))
    assert ApiClient.objects.get(pk=client.pk).last_used_at == first

    # When its last use is older than a minute: updated again
    stale = timezone.now() - timedelta(minutes=2)
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=stale)
    api.get(CHANNELS_URL, **_token(key))
    assert ApiClient.objects.get(pk=client.pk).last_used_at > stale + timedelta(minutes=1)


# --- throttling --------------------------------------------------------------------------


@override_settings(API_CLIENT_THROTTLE_RATE="2/min")
def test_a_client_over_its_rate_gets_429_problem_with_retry_after(catalog_client):
    # Given a rate of two requests a minute and fresh counters
    cache.clear()
    _, key = catalog_client
    _, other_key = api_client_create("Otro sistema", "MICUENTA", [Scope.CATALOG_READ])
    api = APIClient()

    # When the client makes three requests
    statuses = [api.get(CHANNELS_URL, **_token(key)).status_code for _ in range(2)]
    third = api.get(CHANNELS_URL, **_token(key))

    # Then the third is refused with a problem and Retry-After, and other clients are unaffected
    assert statuses == [200, 200]
    body = _assert_problem(third, 429)
    assert body["type"].endswith("/throttled")
    assert body["title"] == "Demasiadas solicitudes"
    assert body["detail"].startswith("Superó el límite de solicitudes; reintente en ")
    assert 1 <= int(third["Retry-After"]) <= 60
    assert api.get(CHANNELS_URL, **_token(other_key)).status_code == 200
    cache.clear()


@override_settings(API_CLIENT_THROTTLE_RATE="1/min")
def test_session_users_are_throttled_per_user(agent, supervisor):
    cache.clear()
    api = APIClient()
    api.force_login(agent)
    assert api.get(CHANNELS_URL).status_code == 200
    assert api.get(CHANNELS_URL).status_code == 429
    api.force_login(supervisor)
    assert api.get(CHANNELS_URL).status_code == 200
    cache.clear()


# --- problem bodies outside views --------------------------------------------------------


def test_unknown_url_under_api_is_a_404_problem(catalog_client):
    _, key = catalog_client

    response = APIClient().get("/api/v1/no-existe/", **_token(key))

    body = _assert_problem(response, 404)
    assert body["type"].endswith("/not_found")
    assert body["detail"] == "No existe ningún recurso en la dirección /api/v1/no-existe/."


def test_unknown_url_outside_api_stays_html(client):
    response = client.get("/no-existe/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_405_problem_in_spanish(catalog_client):
    _, key = catalog_client

    response = APIClient().post(CHANNELS_URL, {}, format="json", **_token(key))

    body = _assert_problem(response, 405)
    assert body["title"] == "Método no permitido"
    assert body["detail"] == 'Método "POST" no permitido.'
    assert "GET" in response["Allow"]
