"""`Idempotency-Key` on `POST /api/v1/cases/` (SPEC §8, §10): a retry never duplicates a case."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case, IdempotencyKey
from cases.services.idempotency import idempotency_keys_purge, request_fingerprint
from tests.support.cases import PROBLEM, READ_WRITE, client_for, payload, session_for
from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

from .support import posted_twice_at_once

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def portal(db):  # type: ignore[no-untyped-def]
    return client_for("Portal Mi Cuenta", READ_WRITE)


def _post(api, body, key):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(portal):
    api, client = portal

    first = _post(api, payload(external_reference="MC-77"), "llave-1")
    again = _post(api, payload(external_reference="MC-77"), "llave-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content  # same folio, tracking code, SLA state, warnings
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1
    key = IdempotencyKey.objects.get()
    assert (key.client, key.key, key.response_status, key.case) == (
        client,
        "llave-1",
        201,
        Case.objects.get(),
    )


def test_the_fingerprint_ignores_key_order_and_spacing():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_the_same_key_with_another_body_is_409(portal):
    api, _ = portal
    _post(api, payload(), "llave-1")

    refused = _post(api, payload(subject="Otro asunto"), "llave-1")

    assert refused.status_code == 409
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["type"].endswith("/idempotency_key_reused")
    assert Case.objects.count() == 1


def test_keys_belong_to_their_client(portal):
    api, _ = portal
    other, _ = client_for("Otro sistema", READ_WRITE)
    first = _post(api, payload(), "llave-1")
    second = _post(other, payload(), "llave-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["folio"] != second.json()["folio"]


def test_a_refused_attempt_stores_nothing_and_the_key_can_be_retried(portal):
    api, _ = portal
    refused = _post(api, payload(service="CUMPLIMIENTO_RESOLUCION"), "llave-1")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()  # rolled back with the refused intake

    # The corrected request, with the same key, creates the case once
    created = _post(api, payload(), "llave-1")
    replayed = _post(api, payload(), "llave-1")
    assert created.status_code == replayed.status_code == 201
    assert replayed.content == created.content
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


def test_a_key_left_without_an_answer_is_taken_over(portal):
    # Given a key reserved by an attempt that never stored an answer (an older server crashed)
    api, client = portal
    IdempotencyKey.objects.create(
        client=client, key="llave-1", request_fingerprint="0" * 64, created_at=timezone.now()
    )

    created = _post(api, payload(), "llave-1")
    replayed = _post(api, payload(), "llave-1")

    assert created.status_code == replayed.status_code == 201
    assert "Idempotent-Replayed" not in created
    assert replayed.content == created.content
    key = IdempotencyKey.objects.get()
    assert (key.response_status, key.case) == (201, Case.objects.get())
    assert key.request_fingerprint == request_fingerprint(payload())


def test_a_session_user_may_use_keys_too(agent):
    api = session_for(agent)
    body = payload(channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    first = _post(api, body, "llave-web")
    again = _post(api, body, "llave-web")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert IdempotencyKey.objects.get().user == agent


@pytest.mark.parametrize("key", ["", "x" * 256, "llave con espacios"])
def test_a_malformed_key_is_400(portal, key):
    api, _ = portal
    response = _post(api, payload(), key)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Case.objects.exists()


def test_old_keys_are_purged_after_a_day(portal):
    api, _ = portal
    _post(api, payload(), "vieja")
    _post(api, payload(subject="Otro"), "nueva")
    now = timezone.now()
    IdempotencyKey.objects.filter(key="vieja").update(created_at=now - dt.timedelta(hours=25))

    assert idempotency_keys_purge(now) == 1
    assert idempotency_keys_purge(now) == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["nueva"]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL row locks (CI runs it)")
@pytest.mark.usefixtures("reference_data")
def test_two_identical_requests_at_once_create_one_case(monkeypatch):
    # Given intake slowed down, so that the second request arrives while the first one works
    answers = posted_twice_at_once(
        monkeypatch, payload(external_reference="MC-9"), "llave-concurrente"
    )

    # Then both got the same 201, and there is one case
    assert [a.status_code for a in answers] == [201, 201], [a.content for a in answers]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201
