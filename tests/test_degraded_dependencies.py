"""The API when a dependency fails (SPEC §10), in-process; bench/soak.py does it for real.

- The database failing in the middle of an intake: 503 with a problem body and Retry-After,
  nothing written, and a retry with the same Idempotency-Key creates the case once.
- The cache behind the throttles (Redis) unreachable: requests are served, not failed, the
  citizen's status look-ups (API and page) included.
- The database down before any view runs (the session and user look-up of a logged-in
  request): a Spanish 503 page for the browser, a 503 problem under /api/, both with
  Retry-After; other errors keep Django's 500 page.
"""

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from cases.events import Actor
from cases.models import Case, CaseEvent, IdempotencyKey
from tests.support.cases import PROBLEM, READ_WRITE, client_for, make_case, payload
from tests.support.queries import statement_sql

pytestmark = pytest.mark.django_db
CASES_URL = "/api/v1/cases/"
# Nothing listens on the discard port: every cache call fails at once, like a Redis restarting.
UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"


def _fail_on_event_insert(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    """The connection dies after the case row was written, before its CREATED event."""
    if statement_sql(sql).startswith('INSERT INTO "cases_caseevent"'):
        raise OperationalError("terminating connection due to administrator command")
    return execute(sql, params, many, context)


def test_a_database_failure_mid_intake_is_a_503_problem_and_writes_nothing():
    # Given an API client
    api, _client = client_for("Portal Mi Cuenta", READ_WRITE)

    # When the database fails halfway through the intake transaction
    with connection.execute_wrapper(_fail_on_event_insert):
        response = api.post(CASES_URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="llave-503")

    # Then the answer is a 503 problem asking to retry, and no case or event was kept
    assert response.status_code == 503
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["type"].endswith("/database_unavailable")
    assert (body["status"], body["title"]) == (503, "Servicio no disponible temporalmente")
    assert (Case.objects.count(), CaseEvent.objects.count()) == (0, 0)
    assert not IdempotencyKey.objects.filter(
        key="llave-503", response_status__isnull=False
    ).exists()

    # When the client retries with the same key, then the case is created once
    retry = api.post(CASES_URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="llave-503")
    again = api.post(CASES_URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="llave-503")
    assert (retry.status_code, again.status_code) == (201, 201)
    assert again.json()["folio"] == retry.json()["folio"]
    assert Case.objects.count() == 1


@override_settings(
    API_CLIENT_THROTTLE_RATE="100/min",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    },
)
def test_intake_is_served_while_the_throttle_cache_is_unreachable():
    api, _client = client_for("Portal Mi Cuenta", READ_WRITE)

    response = api.post(CASES_URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="llave-cache")

    assert response.status_code == 201
    assert Case.objects.filter(folio=response.json()["folio"]).exists()


@override_settings(
    PUBLIC_LOOKUP_THROTTLE_RATE="5/min",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    },
)
def test_the_public_look_ups_answer_while_the_throttle_cache_is_unreachable(client, agent):
    case = make_case(Actor(user=agent))

    api = client.get(f"/api/v1/public/cases/{case.folio}/", {"code": case.tracking_code})
    page = client.post("/consulta/", {"folio": case.folio, "code": case.tracking_code})

    assert api.status_code == 200 and api.json()["folio"] == case.folio
    assert page.status_code == 200 and case.folio in page.content.decode()


def _database_down(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    raise OperationalError("could not connect to server: Connection refused")


def _logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    return browser


def test_a_page_while_the_database_is_down_is_a_spanish_503_asking_to_retry(agent):
    browser = _logged_in(agent)

    with connection.execute_wrapper(_database_down):
        page = browser.get("/casos/")
        api = browser.get(CASES_URL)

    assert page.status_code == 503 and page["Retry-After"] == "5"
    text = page.content.decode()
    assert "Servicio no disponible por un momento" in text and 'lang="es-MX"' in text
    assert api.status_code == 503 and api["Content-Type"] == PROBLEM
    assert api["Retry-After"] == "5" and api.json()["type"].endswith("/database_unavailable")


def test_any_other_failure_is_still_the_500_page(agent, monkeypatch):
    browser = _logged_in(agent)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("web.views.queues.queue_cases", broken, raising=True)
    page = browser.get("/casos/")

    assert page.status_code == 500 and "Retry-After" not in page
