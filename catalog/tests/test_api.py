"""Directorates and service catalog API (SPEC §8), and the OpenAPI schema of the reference API."""

import warnings

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from accounts.services import api_client_create
from catalog.models import Area, Service, ServiceChannel, SlaPolicy
from channels.models import Channel
from infonavit_atencion.core.api_scopes import Scope

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api() -> APIClient:
    _, key = api_client_create("Portal Mi Cuenta", "MICUENTA", [Scope.CATALOG_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()]


# --- directorates ------------------------------------------------------------------------


def test_directorates_list_with_their_areas(api):
    # Given one area retired
    Area.objects.filter(code="CREDITO_PRODUCTOS").update(active=False)

    # When the directorates are read
    body = api.get("/api/v1/directorates/").json()

    # Then every directorate by code, with its areas by code and their flags
    assert [d["code"] for d in body] == ["CARTERA", "CREDITO", "OPERACIONES"]
    credito = next(d for d in body if d["code"] == "CREDITO")
    assert list(credito) == ["code", "name", "active", "areas"]
    assert credito["name"] == "Dirección de Originación de Crédito"
    assert credito["active"] is True
    assert [a["code"] for a in credito["areas"]] == [
        "CREDITO_CALIDAD_VIVIENDA",
        "CREDITO_INSCRIPCION",
        "CREDITO_ORIENTACION",
        "CREDITO_PRODUCTOS",
        "CREDITO_VIVIENDA_SOCIAL",
    ]
    assert credito["areas"][1] == {
        "code": "CREDITO_INSCRIPCION",
        "name": "Subdirección de Inscripción y Formalización de Crédito",
        "active": True,
    }
    assert next(a for a in credito["areas"] if a["code"] == "CREDITO_PRODUCTOS")["active"] is False


def test_directorates_do_not_query_per_directorate(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # token, last use, directorates, areas
        assert api.get("/api/v1/directorates/").status_code == 200


# --- a service ---------------------------------------------------------------------------


def test_service_detail_has_the_spec_shape_with_channel_overrides(api):
    # Given a service offered on six channels, three of them with their own policy
    service = Service.objects.get(code="ASESORIA_PRODUCTO_CREDITO")

    # When it is read
    response = api.get("/api/v1/services/ASESORIA_PRODUCTO_CREDITO/")

    # Then codes for references, integer SLA values, and each channel's override or null
    assert response.status_code == 200
    assert response.json() == {
        "code": "ASESORIA_PRODUCTO_CREDITO",
        "name": "Asesoría para elegir un producto de crédito",
        "kind": "advice",
        "directorate": "CREDITO",
        "area": "CREDITO_ORIENTACION",
        "description": service.description,
        "first_contact_resolution": True,
        "sla": {
            "first_response": {"value": 4, "unit": "business_hours"},
            "resolution": {"value": 2, "unit": "business_days"},
            "calendar": None,
            "warn_pct": 75,
        },
        "channels": [
            {"channel": "CESI", "sla": None},
            {
                "channel": "CORREO",
                "sla": {
                    "first_response": {"value": 24, "unit": "calendar_hours"},
                    "resolution": {"value": 2, "unit": "business_days"},
                    "calendar": None,
                    "warn_pct": 75,
                },
            },
            {"channel": "DELEGACION", "sla": None},
            {
                "channel": "INFONATEL",
                "sla": {
                    "first_response": {"value": 30, "unit": "business_minutes"},
                    "resolution": {"value": 4, "unit": "business_hours"},
                    "calendar": "INFONATEL",
                    "warn_pct": 75,
                },
            },
            {"channel": "MICUENTA", "sla": None},
            {
                "channel": "WHATSAPP",
                "sla": {
                    "first_response": {"value": 24, "unit": "calendar_hours"},
                    "resolution": {"value": 2, "unit": "business_days"},
                    "calendar": None,
                    "warn_pct": 75,
                },
            },
        ],
    }


def test_a_policy_without_first_response_gives_null(api):
    policy = SlaPolicy.objects.filter(first_response_value__isnull=True).first()
    assert policy is not None
    service = Service.objects.filter(sla_policy=policy, active=True).first()
    assert service is not None

    body = api.get(f"/api/v1/services/{service.code}/").json()

    assert body["sla"]["first_response"] is None
    assert body["sla"]["resolution"] == {
        "value": policy.resolution_value,
        "unit": policy.resolution_unit,
    }


def test_retired_links_and_channels_are_left_out(api):
    # Given the service's Correo link retired and the WhatsApp channel retired
    ServiceChannel.objects.filter(
        service__code="ASESORIA_PRODUCTO_CREDITO", channel__code="CORREO"
    ).update(active=False)
    Channel.objects.filter(code="WHATSAPP").update(active=False)

    body = api.get("/api/v1/services/ASESORIA_PRODUCTO_CREDITO/").json()

    assert [c["channel"] for c in body["channels"]] == [
        "CESI",
        "DELEGACION",
        "INFONATEL",
        "MICUENTA",
    ]


def test_unknown_or_retired_service_is_404_problem(api):
    Service.objects.filter(code="ASESORIA_PRODUCTO_CREDITO").update(active=False)

    unknown = api.get("/api/v1/services/NO_EXISTE/")
    retired = api.get("/api/v1/services/ASESORIA_PRODUCTO_CREDITO/")

    for response in (unknown, retired):
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404
    assert unknown.json()["detail"] == "No existe el servicio «NO_EXISTE»."


def test_service_detail_for_each_caller(agent, area_staff, supervisor):
    _, key = api_client_create("Sin catálogo", "MICUENTA", [Scope.CASES_WRITE])
    no_scope = APIClient()
    no_scope.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = "/api/v1/services/ASESORIA_PRODUCTO_CREDITO/"

    assert APIClient().get(url).status_code == 401
    assert no_scope.get(url).status_code == 403
    for user in (agent, area_staff, supervisor):
        staff = APIClient()
        staff.force_login(user)
        assert staff.get(url).status_code == 200


# --- the service list --------------------------------------------------------------------


def test_services_list_only_active_services_by_code(api):
    Service.objects.filter(code="ASESORIA_PRODUCTO_CREDITO").update(active=False)

    codes = _codes(api.get("/api/v1/services/"))

    assert codes == sorted(Service.objects.filter(active=True).values_list("code", flat=True))
    assert "ASESORIA_PRODUCTO_CREDITO" not in codes


def test_services_filter_by_channel_kind_and_directorate(api):
    by_channel = _codes(api.get("/api/v1/services/?channel=INFONATEL"))
    by_kind = _codes(api.get("/api/v1/services/?kind=complaint"))
    combined = _codes(
        api.get("/api/v1/services/?channel=WHATSAPP&kind=complaint&directorate=OPERACIONES")
    )

    assert by_channel == sorted(
        Service.objects.filter(
            active=True, channel_links__channel__code="INFONATEL", channel_links__active=True
        ).values_list("code", flat=True)
    )
    assert "ASESORIA_PRODUCTO_CREDITO" in by_channel
    assert by_kind == sorted(
        Service.objects.filter(active=True, kind="complaint").values_list("code", flat=True)
    )
    assert "QUEJA_ATENCION_CESI" in by_kind
    assert combined == sorted(
        Service.objects.filter(
            active=True,
            kind="complaint",
            directorate__code="OPERACIONES",
            channel_links__channel__code="WHATSAPP",
            channel_links__active=True,
        ).values_list("code", flat=True)
    )
    assert combined == ["QUEJA_ATENCION_CESI"]


def test_a_retired_link_takes_the_service_out_of_the_channel_filter(api):
    ServiceChannel.objects.filter(
        service__code="ASESORIA_PRODUCTO_CREDITO", channel__code="INFONATEL"
    ).update(active=False)

    assert "ASESORIA_PRODUCTO_CREDITO" not in _codes(api.get("/api/v1/services/?channel=INFONATEL"))
    assert "ASESORIA_PRODUCTO_CREDITO" in _codes(api.get("/api/v1/services/?channel=CESI"))


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("kind=queja", "kind", "invalid_choice"),
        ("channel=FAX", "channel", "does_not_exist"),
        ("directorate=FINANZAS", "directorate", "does_not_exist"),
    ],
)
def test_services_bad_filter_is_400_with_the_field(api, query, field, code):
    response = api.get(f"/api/v1/services/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_services_list_queries_do_not_grow_with_the_catalog(api, django_assert_max_num_queries):
    # Given the whole reference catalog (dozens of services, each on several channels)
    assert Service.objects.filter(active=True).count() > 40

    # When it is listed, with a filter: token, last use, channel lookup, services, channel links
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/services/?channel=CESI")

    # Then every service came with its channels and policies
    assert response.status_code == 200
    assert all(row["channels"] and row["sla"]["resolution"]["value"] > 0 for row in response.json())


def test_services_list_for_a_session_user_is_planned_too(agent, django_assert_max_num_queries):
    staff = APIClient()
    staff.force_login(agent)

    with django_assert_max_num_queries(5):  # session, user, profile, services, channel links
        assert staff.get("/api/v1/services/").status_code == 200


# --- OpenAPI -----------------------------------------------------------------------------

REFERENCE_API = [
    path("api/v1/", include("channels.api.urls")),
    path("api/v1/", include("catalog.api.urls")),
]
OUR_MODULES = ("channels/api/", "catalog/api/", "accounts/api/", "core/api_errors")


def test_the_reference_api_schema_is_valid_and_free_of_warnings():
    # Given only the endpoints of this module
    GENERATOR_STATS.reset()

    # When their schema is generated
    schema = SchemaGenerator(patterns=REFERENCE_API).get_schema(request=None, public=True)

    # Then it validates against OpenAPI 3 and produced no warnings or errors
    validate_schema(schema)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(
        GENERATOR_STATS._error_cache
    )
    assert set(schema["paths"]) == {
        "/api/v1/channels/",
        "/api/v1/offices/",
        "/api/v1/calendars/",
        "/api/v1/calendars/{code}/",
        "/api/v1/directorates/",
        "/api/v1/services/",
        "/api/v1/services/{code}/",
    }
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    problem = schema["paths"]["/api/v1/services/{code}/"]["get"]["responses"]["404"]["content"]
    assert problem == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_the_whole_schema_command_validates(tmp_path):
    # The full `spectacular --validate --fail-on-warn`; warnings from endpoints outside this
    # module are reported (as a test warning), not failed on.
    GENERATOR_STATS.reset()
    try:
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
        )
    except CommandError:
        messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        ours = [m for m in messages if any(module in m for module in OUR_MODULES)]
        assert not ours
        if not messages:
            raise  # a validation failure, not a warning
        warnings.warn(
            "OpenAPI warnings from other endpoints: " + " | ".join(messages),
            UserWarning,
            stacklevel=1,
        )
    finally:
        GENERATOR_STATS.reset()
