"""The outbox: which subscriptions hear of a case event, what they get, and when it is queued."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from cases.representation import case_document
from cases.selectors.relations import case_output_queryset
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import ANA_CURP, ANA_NSS
from webhooks import tasks
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import webhook_event_record, webhook_events_record

from .support import T0, make_case

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example.com/"


def subscribe(client, events=("case.created",), url=HOOK, active=True):  # type: ignore[no-untyped-def]
    return WebhookSubscription.objects.create(
        client=client,
        url=url,
        events=list(events),
        secret="s" * 32,
        created_at=T0,
        active=active,
        deactivated_at=None if active else T0,
    )


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    """The delivery ids handed to the broker (nothing is sent)."""
    calls: list[int] = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, **kwargs: calls.append(args[0])
    )
    return calls


def test_only_subscribed_clients_that_may_see_the_case_get_a_delivery(caller_for, queued):
    # Given a case created by A, and subscriptions of clients with different rights
    creator = caller_for("CREADOR").client
    reader_all = caller_for(
        "LECTOR_TOTAL", [Scope.WEBHOOKS_MANAGE, Scope.CASES_READ, Scope.CASES_READ_ALL]
    ).client
    stranger = caller_for("AJENO").client
    other_event = caller_for("OTRO_EVENTO", [Scope.WEBHOOKS_MANAGE, Scope.CASES_READ_ALL]).client
    no_scope = caller_for("SIN_ALCANCE", [Scope.CASES_READ_ALL]).client
    inactive_client = caller_for("INACTIVO", [Scope.WEBHOOKS_MANAGE, Scope.CASES_READ_ALL]).client
    case = make_case(creator)
    wanted = [subscribe(creator), subscribe(reader_all)]
    subscribe(stranger)  # cannot see the case
    subscribe(other_event, events=["case.routed"])
    subscribe(creator, url=HOOK + "viejo", active=False)
    subscribe(no_scope)  # lost webhooks:manage
    subscribe(inactive_client)
    inactive_client.active = False
    inactive_client.save(update_fields=["active"])

    # When the event is recorded
    deliveries = webhook_event_record(case, "case.created", T0)

    # Then exactly the two that may see it get one pending delivery each
    assert sorted(d.subscription_id for d in deliveries) == sorted(s.pk for s in wanted)
    rows = WebhookDelivery.objects.order_by("subscription_id")
    assert [(r.subscription_id, r.case_id, r.event_type, r.status, r.attempts) for r in rows] == [
        (s.pk, case.pk, "case.created", DeliveryStatus.PENDING, 0)
        for s in sorted(wanted, key=lambda s: s.pk)
    ]
    assert all(r.next_attempt_at == T0 and r.created_at == T0 for r in rows)


def test_the_payload_is_the_masked_case_json_without_tracking_code(caller_for, queued):
    client = caller_for("CREADOR").client
    subscribe(client)
    case = make_case(client)

    (delivery,) = webhook_event_record(case, "case.created", T0)

    delivery.refresh_from_db()
    payload = delivery.payload
    assert set(payload) == {"id", "type", "created_at", "data"}
    assert payload["id"] == str(delivery.event_id)
    assert uuid.UUID(payload["id"]).version == 4
    assert payload["type"] == "case.created"
    assert payload["created_at"] == "2026-11-18T04:00:00-06:00"
    data = payload["data"]
    assert data["folio"] == case.folio
    assert "tracking_code" not in data
    assert case.tracking_code not in str(payload)
    assert data["contact"]["nss"] == "*******4431"
    assert data["contact"]["curp"] == "*" * (len(ANA_CURP) - 4) + ANA_CURP[-4:]
    assert ANA_NSS not in str(payload)
    assert data == case_document(case_output_queryset().get(pk=case.pk), now=T0)


def test_deliveries_are_queued_only_after_commit(
    caller_for, queued, django_capture_on_commit_callbacks
):
    client = caller_for("CREADOR").client
    subscribe(client)
    subscribe(client, url=HOOK + "2")
    case = make_case(client)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        deliveries = webhook_event_record(case, "case.created", T0)
        assert queued == []  # nothing published inside the transaction

    assert len(callbacks) == 2
    assert sorted(queued) == sorted(d.pk for d in deliveries)


def test_a_rolled_back_change_leaves_no_delivery_and_queues_nothing(
    caller_for, queued, django_capture_on_commit_callbacks
):
    client = caller_for("CREADOR").client
    subscribe(client)
    case = make_case(client)
    before = set(WebhookDelivery.objects.values_list("pk", flat=True))  # intake's own case.created

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        webhook_event_record(case, "case.created", T0)
        raise RuntimeError("la escritura del caso falló")

    assert callbacks == []
    assert queued == []
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == before


def test_without_subscribers_recording_costs_one_query(caller_for, django_assert_num_queries):
    client = caller_for("CREADOR").client
    case = make_case(client)

    with django_assert_num_queries(1):
        assert webhook_event_record(case, "case.created", T0) == []


def test_a_batch_records_every_case_with_a_constant_number_of_queries(
    caller_for, queued, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Given two subscribers: the creator and a client that reads all cases
    creator = caller_for("CREADOR").client
    reader = caller_for("LECTOR_TOTAL", [Scope.WEBHOOKS_MANAGE, Scope.CASES_READ_ALL]).client
    subscribe(creator, events=["case.sla_breached"])
    subscribe(reader, events=["case.sla_breached"])
    cases = [make_case(creator), make_case(creator), make_case(None)]

    # any subscription?, subscriptions, visibility per client (2), cases, the catalog
    # fingerprint (the codes they print come from the process's catalog snapshot), insert
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(7):
        deliveries = webhook_events_record([c.pk for c in cases], "case.sla_breached", T0)

    pairs = {(d.case_id, d.subscription.client_id) for d in deliveries}
    assert pairs == {
        (cases[0].pk, creator.pk),
        (cases[1].pk, creator.pk),
        (cases[0].pk, reader.pk),
        (cases[1].pk, reader.pk),
        (cases[2].pk, reader.pk),  # registered by staff: only read_all sees it
    }
    assert len({d.event_id for d in deliveries}) == 5
    assert sorted(queued) == sorted(d.pk for d in deliveries)


def test_an_unknown_event_type_is_a_programming_error(caller_for):
    client = caller_for("CREADOR").client
    case = make_case(client)

    with pytest.raises(ValueError):
        webhook_event_record(case, "case.deleted", T0)


def test_the_case_services_write_the_outbox_for_their_events(caller_for):
    from cases.events import Actor as CaseActor
    from cases.routing.engine import case_route
    from cases.services import TransitionInput, case_transition

    client = caller_for("CREADOR").client
    subscribe(
        client, events=("case.created", "case.routed", "case.status_changed", "case.sla_breached")
    )

    case = make_case(client)
    case_route(case.pk, T0)
    case_transition(
        case.folio,
        TransitionInput(action="cancel", reason="Duplicado"),
        CaseActor(client=client),
        T0,
    )

    rows = list(
        WebhookDelivery.objects.filter(case=case)
        .order_by("id")
        .values_list("event_type", "payload__data__status")
    )
    assert rows == [
        ("case.created", "new"),
        ("case.routed", "assigned"),
        ("case.status_changed", "assigned"),
        ("case.status_changed", "cancelled"),
    ]
