"""Agents deciding on one message at the same instant end with exactly one decision: the message
row is locked (SELECT … FOR UPDATE), and every later decision is a 409 that changed nothing."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    pytest.skip(
        "Row-lock races need PostgreSQL (DATABASE_URL); CI runs them.", allow_module_level=True
    )

from cases.models import Case
from inbound.models import MessageEventKind, MessageStatus
from inbound.triage import NewCase, inbound_message_create_case, inbound_message_discard
from infonavit_atencion.core.errors import Conflict
from tests.support.accounts import StaffFactory
from tests.support.inbound import pending_message
from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


@pytest.mark.usefixtures("reference_data")
def test_concurrent_decisions_end_in_exactly_one():
    agents = [
        StaffFactory(username=f"correo{i}", role="agent", office_code="INFONATEL_CC")
        for i in range(THREADS)
    ]
    message = pending_message()
    start = threading.Barrier(THREADS)
    outcomes: list[str] = [""] * THREADS

    def decide(i: int) -> None:
        try:
            start.wait()
            if i % 2:
                inbound_message_discard(message.pk, f"Duplicado {i}", agents[i], timezone.now())
            else:
                inbound_message_create_case(
                    message.pk,
                    NewCase(
                        service="QUEJA_CANALES_DIGITALES",
                        given_names="Ana",
                        first_surname="Pérez",
                    ),
                    agents[i],
                    timezone.now(),
                )
            outcomes[i] = "ok"
        except Conflict:
            outcomes[i] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["ok"]
    winner = outcomes.index("ok")
    message.refresh_from_db()
    assert message.decided_by == agents[winner]
    assert message.events.filter(kind=MessageEventKind.DECIDED).count() == 1
    if winner % 2:
        assert (message.status, message.reason) == (MessageStatus.DISCARDED, f"Duplicado {winner}")
        assert Case.objects.count() == 0
    else:
        assert message.status == MessageStatus.CASE_CREATED
        assert list(Case.objects.values_list("pk", flat=True)) == [message.case_id]
