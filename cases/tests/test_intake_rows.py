"""Intake writes its rows in three statements on PostgreSQL (ADR 0020): the contact with its
history row, the case, then its events together with the Idempotency-Key's row. The rows are
those the ORM wrote: the history row, the folio, the events' hash chain."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.events import Actor
from cases.integrity import events_verify
from cases.models import Case, CaseEvent, IdempotencyKey
from cases.services import CaseInput, case_create
from contacts.models import Contact
from contacts.names import search_name
from contacts.services import ContactInput
from infonavit_atencion.core import row_insert
from tests.support.cases import READ_WRITE, client_for, payload
from tests.support.queries import statements_sent
from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not row_insert.available(), reason="PostgreSQL's statements (CI runs it)"),
]

TIJUANA = ZoneInfo("America/Tijuana")
RECEIVED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=TIJUANA)
NOW = RECEIVED + dt.timedelta(minutes=5)
NEW_CONTACT = {"given_names": "Rosa", "first_surname": "Nava", "email": "rosa@example.com"}


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [sql for sql in statements_sent(queries) if sql.startswith(("INSERT", "WITH"))]


def test_an_api_intake_under_a_key_is_three_statements_with_every_row(
    django_capture_on_commit_callbacks,
):
    api, client = client_for("Portal", READ_WRITE)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        created = api.post(
            "/api/v1/cases/",
            payload(contact=NEW_CONTACT),
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )

    assert created.status_code == 201
    contact_and_history, case_row, events_and_key = _writes(queries)
    assert "contacts_contact" in contact_and_history
    assert "contacts_historicalcontact" in contact_and_history
    assert case_row.startswith('INSERT INTO "cases_case"')
    assert events_and_key.startswith('INSERT INTO "cases_caseevent"')
    assert 'INSERT INTO "cases_idempotencykey"' in events_and_key
    # … and every row is there, as the ORM wrote it
    case = Case.objects.get(folio=created.json()["folio"])
    contact = Contact.objects.get(pk=case.contact_id)
    assert (contact.given_names, contact.search_name) == ("Rosa", search_name("Nava", "", "Rosa"))
    (history,) = Contact.history.filter(id=contact.pk)
    assert history.history_type == "+"
    assert history.history_change_reason == "Registro de caso por la API: Portal"
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["created"]
    assert IdempotencyKey.objects.get(key="k-1").case == case
    assert case.created_by_client == client
    assert events_verify().broken is None


def test_without_a_key_the_events_are_written_by_the_intake_itself():
    api, _client = client_for("Portal", READ_WRITE)

    with CaptureQueriesContext(connection) as queries:
        created = api.post("/api/v1/cases/", payload(contact=NEW_CONTACT), format="json")

    assert created.status_code == 201
    assert _writes(queries)[-1].startswith('INSERT INTO "cases_caseevent"')
    case = Case.objects.get(folio=created.json()["folio"])
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert not IdempotencyKey.objects.exists()


def _constancia(resolution: str = "") -> CaseInput:
    """A first-contact-resolution service taken at a Cesi counter."""
    return CaseInput(
        service="CONSTANCIA_INTERESES",
        channel="CESI",
        office="CESI_TIJUANA",
        contact=ContactInput(given_names="Ana", first_surname="Pérez"),
        description="Solicita su constancia de intereses 2025.",
        resolution=resolution,
        received_at=RECEIVED,
    )


def test_a_resolution_at_intake_writes_both_events_in_chain_order(agent):
    resolved = _constancia(resolution="Se entregó la constancia impresa.")

    result = case_create(resolved, Actor(user=agent), NOW)

    events = list(CaseEvent.objects.filter(case=result.case).order_by("at", "id"))
    assert [e.kind for e in events] == ["created", "status_changed"]
    assert events_verify().broken is None


def test_deferred_events_are_left_to_the_caller(agent):
    result = case_create(_constancia(), Actor(user=agent), NOW, defer_events=True)

    assert not CaseEvent.objects.filter(case=result.case).exists()
    row_insert.statements_execute(result.pending)
    assert list(CaseEvent.objects.filter(case=result.case).values_list("kind", flat=True)) == [
        "created"
    ]
    assert events_verify().broken is None
