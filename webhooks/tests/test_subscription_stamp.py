""" "Anything subscribed?" read with a token request's client (issue 17, subscription_stamp):
an intake with no subscriber does not ask the database, and a subscription committed before a
request is honoured by it — the very next intake."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.request_stamps import stamp_take
from tests.support.cases import payload
from tests.support.queries import statements_sent
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_unsubscribe
from webhooks.subscription_stamp import STAMP

from .support import T0
from .test_outbox import subscribe

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS_TABLE = "webhooks_webhooksubscription"


def _intake(api, subject):  # type: ignore[no-untyped-def]
    """POST a case; the statements that read the subscriptions table while it ran."""
    body = payload(subject=subject, contact={"given_names": "Ana", "first_surname": "Pérez"})
    with CaptureQueriesContext(connection) as queries:
        created = api.post("/api/v1/cases/", body, format="json")
    assert created.status_code == 201, created.content
    return created.json()["folio"], [
        sql for sql in statements_sent(queries) if SUBSCRIPTIONS_TABLE in sql
    ]


def test_with_no_subscriber_an_intake_reads_the_answer_with_its_client(caller_for):
    caller = caller_for("CREADOR")

    folio, reads = _intake(caller.api, "Sin suscriptores")

    # One statement names the table: the client look-up that carries the stamp, nothing else.
    assert len(reads) == 1 and "api" in reads[0].lower() and "key_prefix" in reads[0]
    assert not WebhookDelivery.objects.filter(case__folio=folio).exists()


def test_a_new_subscription_is_honoured_by_the_very_next_intake(caller_for):
    caller = caller_for("CREADOR")
    _intake(caller.api, "Antes de suscribirse")  # the process has answered "none" once

    subscription = subscribe(caller.client)
    folio, _reads = _intake(caller.api, "Recién suscrito")

    assert list(
        WebhookDelivery.objects.filter(case__folio=folio).values_list("subscription", "event_type")
    ) == [(subscription.pk, "case.created")]

    # And an unsubscribe is honoured by the next one too
    webhook_unsubscribe(caller.client, subscription.pk, now=T0)
    folio, _reads = _intake(caller.api, "Ya sin suscripción")
    assert not WebhookDelivery.objects.filter(case__folio=folio).exists()


def test_the_stamp_does_not_outlive_its_request(caller_for):
    caller = caller_for("CREADOR")
    assert caller.api.get("/api/v1/cases/").status_code == 200  # reads no outbox
    assert stamp_take(STAMP) is None


def test_a_read_does_not_pay_for_the_subquery(caller_for):
    caller = caller_for("CREADOR", [Scope.CASES_READ])

    with CaptureQueriesContext(connection) as queries:
        assert caller.api.get("/api/v1/cases/").status_code == 200

    assert not [sql for sql in statements_sent(queries) if SUBSCRIPTIONS_TABLE in sql]
