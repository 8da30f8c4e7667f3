"""The Idempotency-Key written once, with its answer, after the case (issue 17): a replay rolls
its own intake back whole and answers what the key stored, even when the intake would now be
refused; nothing of the rolled-back attempt is left or queued."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, IdempotencyKey
from contacts.models import Contact
from tests.support.cases import READ_WRITE, client_for, payload
from tests.support.queries import statements_sent
from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

from .support import posted_twice_at_once

pytestmark = pytest.mark.django_db

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

NEW_CONTACT = {
    "given_names": "Rosa",
    "first_surname": "Nava",
}  # nothing unique: a new row each time


def _post(api, body, key):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_key_is_written_once_with_its_answer():
    api, _ = client_for("Portal", READ_WRITE)
    table = IdempotencyKey._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        created = _post(api, payload(contact=NEW_CONTACT), "k-1")

    assert created.status_code == 201
    writes = [sql for sql in statements_sent(queries) if table in sql]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    key = IdempotencyKey.objects.get()
    assert (key.response_status, key.case.folio) == (201, created.json()["folio"])
    assert json.loads(key.response_body) == created.json()


def test_a_replay_leaves_nothing_of_its_own_attempt(django_capture_on_commit_callbacks):
    api, _ = client_for("Portal", READ_WRITE)
    first = _post(api, payload(contact=NEW_CONTACT), "k-1")
    counts = (Case.objects.count(), CaseEvent.objects.count(), Contact.objects.count())

    with django_capture_on_commit_callbacks() as queued:
        replay = _post(api, payload(contact=NEW_CONTACT), "k-1")

    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    # The replay's contact, case and event were written and rolled back; no routing, no e-mail
    assert (Case.objects.count(), CaseEvent.objects.count(), Contact.objects.count()) == counts
    assert queued == []


def test_a_retry_that_the_intake_would_now_refuse_still_replays():
    # The first attempt took external reference MC-1; the retry's intake clashes with it
    api, _ = client_for("Portal", READ_WRITE)
    body = payload(external_reference="MC-1")
    first = _post(api, body, "k-1")
    assert first.status_code == 201

    replay = _post(api, body, "k-1")

    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    assert Case.objects.count() == 1


def test_a_refused_body_under_a_used_key_is_409_and_changes_nothing():
    api, _ = client_for("Portal", READ_WRITE)
    first = _post(api, payload(external_reference="MC-1"), "k-1")
    stored = IdempotencyKey.objects.values_list("request_fingerprint", "response_body").get()

    # Another body, which the intake refuses too (the reference is taken)
    refused = _post(api, payload(external_reference="MC-1", subject="Otro"), "k-1")

    assert first.status_code == 201
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/idempotency_key_reused")
    assert IdempotencyKey.objects.values_list("request_fingerprint", "response_body").get() == (
        stored
    )
    assert Case.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL row locks (CI runs it)")
@pytest.mark.usefixtures("reference_data")
def test_a_concurrent_twin_waits_on_the_key_and_its_intake_rolls_back(monkeypatch):
    # Given intake slowed down and a body with nothing unique but the key (no reference, a
    # contact without NSS or CURP): only the key's unique index can stop the second case
    answers = posted_twice_at_once(monkeypatch, payload(contact=NEW_CONTACT), "llave-gemela")

    # Then both got the first's answer, and the twin's case and contact were rolled back
    assert [a.status_code for a in answers] == [201, 201], [a.content for a in answers]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Case.objects.count() == 1
    assert Contact.objects.count() == 1
    assert IdempotencyKey.objects.get().case == Case.objects.get()
